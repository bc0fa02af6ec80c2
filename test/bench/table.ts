/** One line of the benchmark table: a measured figure beside its target. */
export interface BenchRow {
  area: string
  metric: string
  value: number
  unit: string
  /** e.g. '< 10000' or '>= 200'; omitted for figures printed for information. */
  target?: string
}

function meets(row: BenchRow): string {
  if (!row.target)
    return ''
  const [op, limit] = row.target.split(' ') as [string, string]
  const bound = Number(limit)
  const ok = op === '<' ? row.value < bound : op === '<=' ? row.value <= bound : op === '>=' ? row.value >= bound : row.value > bound
  return ok ? 'ok' : 'MISSED'
}

export function formatTable(rows: BenchRow[]): string {
  const cells = rows.map(row => [row.area, row.metric, `${Number.isInteger(row.value) ? row.value : row.value.toFixed(2)} ${row.unit}`, row.target ? `${row.target} ${row.unit}` : '', meets(row)])
  const header = ['area', 'metric', 'measured', 'target', '']
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map(cell => cell[i].length)))
  const line = (cols: string[]) => `| ${cols.map((col, i) => col.padEnd(widths[i])).join(' | ')} |`
  return [line(header), `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n')
}
