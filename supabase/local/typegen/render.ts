import type { Column, ForeignKey, FunctionArg, PgFunction, PgType, Relation, SchemaModel } from './introspect.ts'

/**
 * Renders the `Database` type in the shape `supabase gen types typescript` produces (Tables with
 * Row/Insert/Update/Relationships, Views, Functions with Args/Returns, Enums, CompositeTypes, the
 * helper types and `Constants`), so `createClient<Database>` types queries the same way.
 */

const numberTypes = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric'])
const stringTypes = new Set(['bytea', 'bpchar', 'varchar', 'date', 'text', 'citext', 'time', 'timetz', 'timestamp', 'timestamptz', 'uuid', 'vector', 'interval'])
/** json, jsonb and text: the only types PostgREST accepts for a single unnamed argument. */
const unnamedArgTypeIds = new Set([114, 3802, 25])
const inputModes = new Set<FunctionArg['mode']>(['in', 'inout', 'variadic'])

const q = (text: string) => JSON.stringify(text)
/** An object key, quoted only when it is not an identifier (as prettier prints them). */
const key = (text: string) => (/^[A-Z_$][\w$]*$/i.test(text) ? text : q(text))
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name)

function indent(text: string, depth: number): string {
  const pad = '  '.repeat(depth)
  return text.split('\n').map(line => (line ? pad + line : line)).join('\n')
}

/** `{ a: x, b: y }` laid out one member per line, or `never`-map placeholder when empty. */
function objectType(members: string[], empty = '[_ in never]: never'): string {
  return `{\n${indent((members.length ? members : [empty]).join('\n'), 1)}\n}`
}

/** `name: type`, with a long union laid out one variant per line as prettier does. */
function member(name: string, variants: string[]): string {
  const line = variants.join(' | ')
  return line.length <= 70 ? `${name}: ${line}` : `${name}:\n${indent(variants.map(variant => `| ${variant}`).join('\n'), 1)}`
}

class Renderer {
  private readonly typesById = new Map<number, PgType>()
  private readonly rowTypeIds = new Map<number, PgType>()
  private readonly relationsById: Map<number, Relation>
  private readonly tables: Relation[]
  private readonly views: Relation[]
  private readonly functions: Array<{ fn: PgFunction, inArgs: FunctionArg[] }>

  constructor(private readonly model: SchemaModel) {
    for (const type of model.types) {
      this.typesById.set(type.id, type)
      if (type.relationId)
        this.rowTypeIds.set(type.id, type)
    }
    this.relationsById = new Map(model.relations.map(relation => [relation.id, relation]))
    const sorted = model.relations.map(relation => ({ ...relation, columns: [...relation.columns].sort(byName) })).sort(byName)
    this.tables = sorted.filter(relation => relation.kind === 'table')
    this.views = sorted.filter(relation => relation.kind === 'view')
    this.functions = model.functions
      .map(fn => ({ ...fn, args: [...fn.args].sort(byName) }))
      .map(fn => ({ fn, inArgs: fn.args.filter(arg => inputModes.has(arg.mode)) }))
      .filter(({ fn, inArgs }) => this.callable(fn, inArgs))
      .sort((a, b) => byName(a.fn, b.fn))
  }

  render(): string {
    const schema = this.model.name
    const enums = this.enums()
    const constantEnums = enums.length === 0
      ? '{}'
      : `{\n${indent(enums.map(type => `${key(type.name)}: [${type.enumValues.map(q).join(', ')}],`).join('\n'), 1)}\n}`
    return `// Generated from the live database schema by \`npm run db:types\`; do not edit.

export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
${indent(`${key(schema)}: ${objectType([
  `Tables: ${objectType(this.tables.map(table => this.table(table)))}`,
  `Views: ${objectType(this.views.map(view => this.view(view)))}`,
  `Functions: ${objectType(this.functionEntries())}`,
  `Enums: ${objectType(enums.map(type => member(key(type.name), type.enumValues.map(q))))}`,
  `CompositeTypes: ${objectType(this.compositeTypes())}`,
])}`, 1)}
}
${helperTypes(schema)}
export const Constants = {
${indent(`${key(schema)}: {\n  Enums: ${indent(constantEnums, 1).trimStart()},\n},`, 1)}
} as const
`
  }

  // PostgREST can call a function when its input arguments are all named, or when a single unnamed
  // one is json/jsonb/text or a row of a table (a computed field).
  private callable(_fn: PgFunction, inArgs: FunctionArg[]): boolean {
    if (inArgs.length === 0 || inArgs.every(arg => arg.name !== ''))
      return true
    if (inArgs.every(arg => arg.name !== '' || (arg.hasDefault && unnamedArgTypeIds.has(arg.typeId))))
      return true
    return inArgs.length === 1 && (unnamedArgTypeIds.has(inArgs[0].typeId) || this.rowTypeIds.has(inArgs[0].typeId))
  }

  private enums(): PgType[] {
    return this.model.types.filter(type => type.schema === this.model.name && type.enumValues.length > 0).sort(byName)
  }

  private compositeTypes(): string[] {
    return this.model.types
      .filter(type => type.schema === this.model.name && type.attributes.length > 0)
      .sort(byName)
      .map(type => `${key(type.name)}: ${objectType(type.attributes.map(({ name, typeId }) => {
        const attributeType = this.typesById.get(typeId)
        return `${key(name)}: ${attributeType ? nullable(this.tsType(attributeType.name), true) : 'unknown'}`
      }))}`)
  }

  /** TypeScript for a type name (`int4`, `_text`, an enum, a composite, a table's row type). */
  private tsType(name: string): string {
    if (name === 'bool')
      return 'boolean'
    if (numberTypes.has(name))
      return 'number'
    if (stringTypes.has(name))
      return 'string'
    if (name === 'json' || name === 'jsonb')
      return 'Json'
    if (name === 'void')
      return 'undefined'
    if (name === 'record')
      return 'Record<string, unknown>'
    if (name.startsWith('_')) {
      const element = this.tsType(name.slice(1))
      return element.includes(' ') ? `(${element})[]` : `${element}[]`
    }
    const schema = this.model.name
    const named = (kind: (type: PgType) => boolean) => {
      const candidates = this.model.types.filter(type => type.name === name && kind(type))
      return candidates.find(type => type.schema === schema) ?? candidates[0]
    }
    const enumType = named(type => type.enumValues.length > 0)
    if (enumType) {
      return enumType.schema === schema
        ? `Database[${q(schema)}]["Enums"][${q(enumType.name)}]`
        : enumType.enumValues.map(q).join(' | ')
    }
    const compositeType = named(type => type.attributes.length > 0)
    if (compositeType)
      return compositeType.schema === schema ? `Database[${q(schema)}]["CompositeTypes"][${q(compositeType.name)}]` : 'unknown'
    const table = this.tables.find(relation => relation.name === name)
    if (table)
      return `Database[${q(schema)}]["Tables"][${q(name)}]["Row"]`
    const view = this.views.find(relation => relation.name === name)
    if (view)
      return `Database[${q(schema)}]["Views"][${q(name)}]["Row"]`
    return 'unknown'
  }

  private column(column: Pick<Column, 'name' | 'type' | 'nullable'>, optional: boolean): string {
    return `${key(column.name)}${optional ? '?' : ''}: ${nullable(this.tsType(column.type), column.nullable)}`
  }

  /** Functions taking a row of `relation` (computed fields) appear as extra, nullable Row members. */
  private computedFields(relation: Relation): string[] {
    return this.functions
      .filter(({ fn }) => fn.argumentTypes === relation.name)
      .map(({ fn }) => `${key(fn.name)}: ${nullable(this.returnType(fn), true)}`)
  }

  private table(table: Relation): string {
    const writable = (optional: (column: Column) => boolean) => table.columns.map(column =>
      column.identity === 'ALWAYS' ? `${key(column.name)}?: never` : this.column(column, optional(column)))
    return `${key(table.name)}: ${objectType([
      `Row: ${objectType([...table.columns.map(column => this.column(column, false)), ...this.computedFields(table)])}`,
      `Insert: ${objectType(writable(column => column.nullable || column.identity !== null || column.hasDefault))}`,
      `Update: ${objectType(writable(() => true))}`,
      `Relationships: ${this.relationships(table)}`,
    ])}`
  }

  private view(view: Relation): string {
    const writable = () => view.columns.map(column =>
      column.updatable ? this.column({ ...column, nullable: true }, true) : `${key(column.name)}?: never`)
    return `${key(view.name)}: ${objectType([
      `Row: ${objectType([...view.columns.map(column => this.column(column, false)), ...this.computedFields(view)])}`,
      ...(view.updatable ? [`Insert: ${objectType(writable())}`, `Update: ${objectType(writable())}`] : []),
      `Relationships: ${this.relationships(view)}`,
    ])}`
  }

  private relationships(relation: Relation): string {
    const keys = this.model.foreignKeys
      .filter(fk => fk.relation === relation.name)
      .sort((a, b) => a.name.localeCompare(b.name)
        || a.referencedRelation.localeCompare(b.referencedRelation)
        || JSON.stringify(a.referencedColumns).localeCompare(JSON.stringify(b.referencedColumns)))
    if (keys.length === 0)
      return '[]'
    return `[\n${indent(keys.map(fk => `${relationship(fk)},`).join('\n'), 1)}\n]`
  }

  private functionEntries(): string[] {
    const byFunctionName = new Map<string, Array<{ fn: PgFunction, inArgs: FunctionArg[] }>>()
    for (const entry of this.functions)
      byFunctionName.set(entry.fn.name, [...(byFunctionName.get(entry.fn.name) ?? []), entry])
    return [...byFunctionName].map(([name, overloads]) => {
      overloads.sort((a, b) => a.fn.argumentTypes.localeCompare(b.fn.argumentTypes) || a.fn.returnTypeText.localeCompare(b.fn.returnTypeText))
      const signatures = overloads.map(({ fn, inArgs }) => this.signature(fn, inArgs, overloads))
      return signatures.length === 1 ? `${key(name)}: ${signatures[0]}` : `${key(name)}:\n${indent(signatures.map(s => `| ${s}`).join('\n'), 1)}`
    })
  }

  private argsType(inArgs: FunctionArg[]): string {
    if (inArgs.length === 0)
      return 'never'
    return `{ ${inArgs.map((arg) => {
      const type = this.typesById.get(arg.typeId)
      return `${key(arg.name)}${arg.hasDefault ? '?' : ''}: ${type ? this.tsType(type.name) : 'unknown'}`
    }).join('; ')} }`
  }

  private signature(fn: PgFunction, inArgs: FunctionArg[], overloads: Array<{ fn: PgFunction, inArgs: FunctionArg[] }>): string {
    const conflict = this.overloadConflict(fn, inArgs, overloads)
    const args = this.argsType(inArgs)
    if (conflict)
      return objectType([`Args: ${args}`, `Returns: { error: true } & ${q(conflict)}`])
    if (inArgs.length === 1 && inArgs[0].name === '' && this.rowTypeIds.has(inArgs[0].typeId) && !this.returnedRelationName(fn)) {
      // A computed field returning a scalar: selectable on its table, not callable by RPC.
      return objectType([`Args: ${args}`, `Returns: { error: true } & ${q(`the function ${this.model.name}.${fn.name} with parameter or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache`)}`])
    }
    const setof = this.setofOptions(fn)
    const collapsesToOneRow = !manyRows(fn) && this.returnedRelationName(fn) !== null
    return objectType([
      `Args: ${args}`,
      `Returns: ${this.returnType(fn)}${fn.returnsSet && !collapsesToOneRow ? '[]' : ''}`,
      ...(setof ? [`SetofOptions: ${setof}`] : []),
    ])
  }

  // Overloads PostgREST cannot tell apart get an error type instead of a signature.
  private overloadConflict(fn: PgFunction, inArgs: FunctionArg[], overloads: Array<{ fn: PgFunction, inArgs: FunctionArg[] }>): string | undefined {
    if (overloads.length <= 1)
      return undefined
    const schema = this.model.name
    const typeName = (id: number) => this.typesById.get(id)?.name ?? 'unknown'
    const others = overloads.filter(other => other.fn !== fn)
    if (inArgs.length === 0) {
      const other = others.find(({ inArgs: o }) => o.length === 1 && o[0].name === '' && o[0].hasDefault)
      if (other)
        return `Could not choose the best candidate function between: ${schema}.${fn.name}(), ${schema}.${fn.name}( => ${typeName(other.fn.returnTypeId)}). Try renaming the parameters or the function itself in the database so function overloading can be resolved`
    }
    if (inArgs.length === 1 && inArgs[0].name !== '') {
      const clashing = others.filter(({ inArgs: o }) => o.length === 1 && o[0].name === inArgs[0].name && o[0].typeId !== inArgs[0].typeId)
      if (clashing.length > 0) {
        const list = [{ fn, inArgs }, ...clashing]
          .sort((a, b) => a.inArgs[0].typeId - b.inArgs[0].typeId)
          .map(entry => `${schema}.${fn.name}(${entry.inArgs.map(arg => `${arg.name} => ${typeName(arg.typeId)}`).join(', ')})`)
          .join(', ')
        return `Could not choose the best candidate function between: ${list}. Try renaming the parameters or the function itself in the database so function overloading can be resolved`
      }
    }
    return undefined
  }

  /** The table, view or composite type whose rows a function returns, by name. */
  private returnedRelationName(fn: PgFunction): string | null {
    if (fn.returnRelationId === null)
      return null
    return this.relationsById.get(fn.returnRelationId)?.name ?? this.rowTypeIds.get(fn.returnTypeId)?.name ?? null
  }

  private returnType(fn: PgFunction): string {
    const tableArgs = fn.args.filter(arg => arg.mode === 'table')
    if (tableArgs.length > 0) {
      return objectType(tableArgs.map((arg) => {
        const type = this.typesById.get(arg.typeId)
        return `${key(arg.name)}: ${type ? this.tsType(type.name) : 'unknown'}`
      }))
    }
    const relation = fn.returnRelationId === null ? undefined : this.relationsById.get(fn.returnRelationId)
    if (relation)
      return objectType([...relation.columns].sort(byName).map(column => this.column(column, false)))
    const type = this.typesById.get(fn.returnTypeId)
    return type ? this.tsType(type.name) : 'unknown'
  }

  /** Lets postgrest-js type `.rpc(...).select(...)` and embedded functions over the returned rows. */
  private setofOptions(fn: PgFunction): string | undefined {
    const target = this.returnedRelationName(fn)
    if (!target)
      return undefined
    const inputRow = fn.args.length === 1 ? this.rowTypeIds.get(fn.args[0].typeId) : undefined
    const from = inputRow ? inputRow.name : '*'
    const oneToOne = inputRow && !fn.returnsSet ? true : !manyRows(fn)
    return objectType([`from: ${q(from)}`, `to: ${q(target)}`, `isOneToOne: ${oneToOne}`, `isSetofReturn: ${fn.returnsSet}`])
  }
}

function manyRows(fn: PgFunction): boolean {
  return fn.rows !== null && fn.rows > 1
}

function list(names: string[]): string {
  return `[${names.map(q).join(', ')}]`
}

function nullable(type: string, isNullable: boolean): string {
  return isNullable && type !== 'unknown' ? `${type} | null` : type
}

function relationship(fk: ForeignKey): string {
  return objectType([
    `foreignKeyName: ${q(fk.name)}`,
    `columns: ${list(fk.columns)}`,
    `isOneToOne: ${fk.oneToOne}`,
    `referencedRelation: ${q(fk.referencedRelation)}`,
    `referencedColumns: ${list(fk.referencedColumns)}`,
  ])
}

/** Tables<'x'>, TablesInsert<'x'>, TablesUpdate<'x'>, Enums<'x'>, CompositeTypes<'x'>, or with `{ schema }` first. */
function helperTypes(defaultSchema: string): string {
  return `
type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">
type SchemaName = keyof DatabaseWithoutInternals
type SchemaOption = { schema: SchemaName }
type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, ${q(defaultSchema)}>]
type TablesAndViews<S extends SchemaName> = DatabaseWithoutInternals[S]["Tables"] & DatabaseWithoutInternals[S]["Views"]
type DefaultTablesAndViews = DefaultSchema["Tables"] & DefaultSchema["Views"]
type Picked<Source, Name, Part extends string> = Name extends keyof Source
  ? Source[Name] extends Record<Part, infer Shape> ? Shape : never
  : never

export type Tables<
  NameOrOptions extends keyof DefaultTablesAndViews | SchemaOption,
  Name extends NameOrOptions extends SchemaOption ? keyof TablesAndViews<NameOrOptions["schema"]> : never = never,
> = NameOrOptions extends SchemaOption
  ? Picked<TablesAndViews<NameOrOptions["schema"]>, Name, "Row">
  : Picked<DefaultTablesAndViews, NameOrOptions, "Row">

export type TablesInsert<
  NameOrOptions extends keyof DefaultSchema["Tables"] | SchemaOption,
  Name extends NameOrOptions extends SchemaOption ? keyof DatabaseWithoutInternals[NameOrOptions["schema"]]["Tables"] : never = never,
> = NameOrOptions extends SchemaOption
  ? Picked<DatabaseWithoutInternals[NameOrOptions["schema"]]["Tables"], Name, "Insert">
  : Picked<DefaultSchema["Tables"], NameOrOptions, "Insert">

export type TablesUpdate<
  NameOrOptions extends keyof DefaultSchema["Tables"] | SchemaOption,
  Name extends NameOrOptions extends SchemaOption ? keyof DatabaseWithoutInternals[NameOrOptions["schema"]]["Tables"] : never = never,
> = NameOrOptions extends SchemaOption
  ? Picked<DatabaseWithoutInternals[NameOrOptions["schema"]]["Tables"], Name, "Update">
  : Picked<DefaultSchema["Tables"], NameOrOptions, "Update">

export type Enums<
  NameOrOptions extends keyof DefaultSchema["Enums"] | SchemaOption,
  Name extends NameOrOptions extends SchemaOption ? keyof DatabaseWithoutInternals[NameOrOptions["schema"]]["Enums"] : never = never,
> = NameOrOptions extends SchemaOption
  ? DatabaseWithoutInternals[NameOrOptions["schema"]]["Enums"][Name]
  : NameOrOptions extends keyof DefaultSchema["Enums"] ? DefaultSchema["Enums"][NameOrOptions] : never

export type CompositeTypes<
  NameOrOptions extends keyof DefaultSchema["CompositeTypes"] | SchemaOption,
  Name extends NameOrOptions extends SchemaOption ? keyof DatabaseWithoutInternals[NameOrOptions["schema"]]["CompositeTypes"] : never = never,
> = NameOrOptions extends SchemaOption
  ? DatabaseWithoutInternals[NameOrOptions["schema"]]["CompositeTypes"][Name]
  : NameOrOptions extends keyof DefaultSchema["CompositeTypes"] ? DefaultSchema["CompositeTypes"][NameOrOptions] : never
`
}

export function renderTypes(model: SchemaModel): string {
  return new Renderer(model).render()
}
