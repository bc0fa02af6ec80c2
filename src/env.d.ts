/// <reference types="vite/client" />

// Written to .env.local by the local stack; set them yourself for a hosted Supabase project.
interface ImportMetaEnv {
  readonly VITE_SUPABASE_URL: string
  readonly VITE_SUPABASE_ANON_KEY: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
