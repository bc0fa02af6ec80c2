/// <reference types="vite/client" />

// Written to .env.local by the local stack; set them yourself for a hosted Supabase project.
interface ImportMetaEnv {
  readonly VITE_SUPABASE_URL: string
  readonly VITE_SUPABASE_ANON_KEY: string
  /** Web push (VAPID) public key; push alerts are offered only when it is set. Never the private key. */
  readonly VITE_VAPID_PUBLIC_KEY?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
