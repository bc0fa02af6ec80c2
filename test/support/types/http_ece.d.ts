// http_ece ships no types; this covers the part the push-service double uses.
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto'

  interface EceParams {
    version?: 'aes128gcm' | 'aesgcm'
    /** The receiver's ECDH key pair (its public half is the subscription's p256dh). */
    privateKey?: ECDH
    /** The subscription's 16-byte auth secret. */
    authSecret?: Buffer | string
    dh?: Buffer | string
    salt?: Buffer | string
    rs?: number
  }

  const ece: {
    decrypt: (buffer: Buffer, params: EceParams) => Buffer
    encrypt: (buffer: Buffer, params: EceParams) => Buffer
  }
  export = ece
}
