import { openDB } from 'idb'
import type { DBSchema, IDBPDatabase } from 'idb'
import { storageKeys } from '../shared/constants'
import type { OutboxItem } from './outbox'
import type { QueueSnapshot } from './queue-cache'

/** The app's one IndexedDB database. Opened by the app and by the service worker. */
export interface ProntoDb extends DBSchema {
  /** Writes waiting for the server, keyed by the id generated on the device. */
  outbox: {
    key: string
    value: OutboxItem
    indexes: { 'by-user': string }
  }
  /** The last queue each member saw, with its leads, readable offline. Keyed by member id. */
  snapshots: {
    key: string
    value: QueueSnapshot
  }
  /** Small records: the session the worker may use, a call in progress. */
  meta: {
    key: string
    value: unknown
  }
}

// Bump when the stores change, and add a step to `upgrade` (never edit an old one): phones
// upgrade from whatever version they last ran.
const version = 1

let opening: Promise<IDBPDatabase<ProntoDb>> | undefined

/** The open database; opened on first use and reused. */
export function prontoDb(): Promise<IDBPDatabase<ProntoDb>> {
  opening ??= openDB<ProntoDb>(storageKeys.database, version, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        const outbox = db.createObjectStore('outbox', { keyPath: 'id' })
        outbox.createIndex('by-user', 'userId')
        db.createObjectStore('snapshots', { keyPath: 'userId' })
        db.createObjectStore('meta')
      }
    },
    blocking(_current, _blocked, event) {
      // A newer version of the app (a new service worker) wants to upgrade: step aside.
      ;(event.target as IDBDatabase).close()
      opening = undefined
    },
    terminated() {
      opening = undefined
    },
  }).catch((error: unknown) => {
    opening = undefined
    throw error
  })
  return opening
}
