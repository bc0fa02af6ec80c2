import { RestError } from './errors.ts'

/** The `Prefer` values PostgREST acts on; postgrest-js may send several in one comma-joined header. */
export interface Preferences {
  return?: 'minimal' | 'representation' | 'headers-only'
  count?: 'exact' | 'planned' | 'estimated'
  resolution?: 'merge-duplicates' | 'ignore-duplicates'
  missing?: 'default' | 'null'
  handling?: 'strict' | 'lenient'
  maxAffected?: number
  /** The recognised entries, echoed in `Preference-Applied`. */
  applied: string[]
}

const accepted: Record<string, string[]> = {
  'return': ['minimal', 'representation', 'headers-only'],
  'count': ['exact', 'planned', 'estimated'],
  'resolution': ['merge-duplicates', 'ignore-duplicates'],
  'missing': ['default', 'null'],
  'handling': ['strict', 'lenient'],
}

function assign(preferences: Preferences, key: string, value: string): void {
  if (key === 'return')
    preferences.return = value as Preferences['return']
  else if (key === 'count')
    preferences.count = value as Preferences['count']
  else if (key === 'resolution')
    preferences.resolution = value as Preferences['resolution']
  else if (key === 'missing')
    preferences.missing = value as Preferences['missing']
  else if (key === 'handling')
    preferences.handling = value as Preferences['handling']
}

export function parsePrefer(header: string | string[] | undefined): Preferences {
  const entries = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map(entry => entry.trim()).filter(Boolean)
  const preferences: Preferences = { applied: [] }
  const invalid: string[] = []
  for (const entry of entries) {
    const [key, value = ''] = entry.split('=', 2).map(part => part.trim())
    if (key === 'max-affected' && /^\d+$/.test(value)) {
      preferences.maxAffected = Number(value)
      preferences.applied.push(entry)
    }
    else if (accepted[key]?.includes(value)) {
      assign(preferences, key, value)
      preferences.applied.push(entry)
    }
    // Transactions always commit here (PostgREST's default db-tx-end), so tx= is not applied.
    else if (key !== 'tx' && key !== 'timezone' && key !== 'params') {
      invalid.push(entry)
    }
  }
  if (preferences.handling === 'strict' && invalid.length > 0)
    throw new RestError(400, 'PGRST122', 'Invalid preferences given with handling=strict', `Invalid preferences: ${invalid.join(', ')}`)
  return preferences
}
