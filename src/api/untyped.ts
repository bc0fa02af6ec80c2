import type { SupabaseClient } from '@supabase/supabase-js'
import { supabase } from './supabase'

/**
 * The app's client without schema types. src/types/database.ts is a placeholder until
 * `npm run db:types` generates it, and its empty schema types every result as `never`; the
 * modules here type their results with src/api/types.ts instead. Switch them to `supabase`
 * once the generated types exist.
 */
export const db = supabase as unknown as SupabaseClient
