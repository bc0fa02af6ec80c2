// How functions are found and configured (config.toml, deno.json, entrypoints) and what environment
// they get (supabase/functions/.env rules), on scratch folders.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { configTomlFile, functionsDir } from '../../../supabase/local/config.ts'
import { functionEnvironment } from '../../../supabase/local/functions/env.ts'
import { FunctionRegistry } from '../../../supabase/local/functions/registry.ts'

let root: string

async function write(relative: string, text: string): Promise<string> {
  const file = path.join(root, relative)
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, text)
  return file
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'pronto-function-config-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('the function registry', () => {
  it('reads verify_jwt, entrypoint, import_map and enabled from [functions.<name>], paths relative to config.toml', async () => {
    const functions = path.join(root, 'project', 'functions')
    await write('project/functions/plain/index.ts', '')
    await write('project/functions/plain/deno.json', '{}')
    await write('project/functions/open/index.ts', '')
    await write('project/functions/custom/main.ts', '')
    await write('project/functions/custom/imports.json', '{"imports":{}}')
    await write('project/functions/off/index.ts', '')
    await write('project/functions/no-entry/README.md', '')
    await write('project/functions/_shared/index.ts', '')
    await write('project/functions/.hidden/index.ts', '')
    const configFile = await write('project/config.toml', [
      '[functions.open]', 'verify_jwt = false',
      '[functions.custom]', 'entrypoint = "./functions/custom/main.ts"', 'import_map = "./functions/custom/imports.json"',
      '[functions.off]', 'enabled = false',
    ].join('\n'))
    const registry = new FunctionRegistry([{ dir: functions, configFile }])

    expect(await registry.lookup('plain')).toEqual({
      name: 'plain',
      dir: path.join(functions, 'plain'),
      entrypoint: path.join(functions, 'plain', 'index.ts'),
      importMap: path.join(functions, 'plain', 'deno.json'),
      verifyJwt: true,
    })
    expect(await registry.lookup('open')).toMatchObject({ verifyJwt: false, importMap: undefined })
    expect(await registry.lookup('custom')).toMatchObject({
      entrypoint: path.join(functions, 'custom', 'main.ts'),
      importMap: path.join(functions, 'custom', 'imports.json'),
    })
    for (const name of ['off', 'no-entry', '_shared', '.hidden', 'missing', '..'])
      expect(await registry.lookup(name)).toBeUndefined()
    expect((await registry.list()).map(fn => fn.name)).toEqual(['custom', 'open', 'plain'])
  })

  it('sees changes only after invalidate()', async () => {
    const functions = path.join(root, 'later', 'functions')
    const configFile = await write('later/config.toml', '')
    const registry = new FunctionRegistry([{ dir: functions, configFile }])
    expect(await registry.lookup('late')).toBeUndefined()
    await write('later/functions/late/index.ts', '')
    await write('later/config.toml', '[functions.late]\nverify_jwt = false\n')
    expect(await registry.lookup('late')).toBeUndefined()
    registry.invalidate()
    expect(await registry.lookup('late')).toMatchObject({ name: 'late', verifyJwt: false })
  })

  it('reads the project\'s own supabase/config.toml without complaint', async () => {
    const registry = new FunctionRegistry([{ dir: functionsDir, configFile: configTomlFile }])
    const all = await registry.list()
    expect(all.every(fn => fn.entrypoint.startsWith(functionsDir))).toBe(true)
  })
})

describe('the environment of a function', () => {
  it('has the stack\'s URL and keys, the secrets file (minus SUPABASE_ names) and the extra variables', async () => {
    const secrets = await write('secrets/.env', [
      'STRIPE_KEY=sk_test_123',
      '# a comment',
      'QUOTED="two words"',
      'SUPABASE_URL=http://evil.example',
      'SUPABASE_CUSTOM=nope',
      'SHARED=from-file',
    ].join('\n'))
    const stack = inject('stack')
    const env = await functionEnvironment(stack, { SHARED: 'from-options' }, secrets)
    expect(env).toMatchObject({
      SUPABASE_URL: stack.apiUrl,
      SUPABASE_ANON_KEY: stack.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
      SUPABASE_DB_URL: stack.dbUrl,
      STRIPE_KEY: 'sk_test_123',
      QUOTED: 'two words',
      SHARED: 'from-options',
      NO_COLOR: '1',
    })
    expect(env.SUPABASE_CUSTOM).toBeUndefined()
    expect(env.DENO_DIR).toMatch(/[/\\]\.pronto[/\\]deno$/)
  })

  it('works without a secrets file', async () => {
    const env = await functionEnvironment(inject('stack'), {}, path.join(root, 'nowhere', '.env'))
    expect(env.SUPABASE_URL).toBe(inject('stack').apiUrl)
  })

  it('keeps the machine\'s extra CA when a caller adds one (npm: downloads behind a proxy need it)', async () => {
    const machineCa = await write('ca/machine.pem', '-----BEGIN CERTIFICATE-----\nMACHINE\n-----END CERTIFICATE-----\n')
    const testCa = await write('ca/test.pem', '-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n')
    const previous = process.env.NODE_EXTRA_CA_CERTS
    process.env.NODE_EXTRA_CA_CERTS = machineCa
    try {
      const env = await functionEnvironment(inject('stack'), { NODE_EXTRA_CA_CERTS: testCa }, path.join(root, 'none'))
      const bundle = await readFile(env.NODE_EXTRA_CA_CERTS, 'utf8')
      expect(bundle).toContain('MACHINE')
      expect(bundle).toContain('TEST')
    }
    finally {
      if (previous === undefined)
        delete process.env.NODE_EXTRA_CA_CERTS
      else
        process.env.NODE_EXTRA_CA_CERTS = previous
    }
  })
})
