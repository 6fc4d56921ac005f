import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { RELAY_PACKAGE_DIR } from '../../config/paths.ts'
import { AMOCRM_FIELDS } from './amocrm.ts'
import { BITRIX24_FIELDS } from './bitrix24.ts'

/** The `| \`field\` | source |` rows of the README's table after `heading`. */
function readmeTable(heading: string): [string, string][] {
  const readme = readFileSync(join(RELAY_PACKAGE_DIR, '..', '..', 'README.md'), 'utf8')
  const after = readme.slice(readme.indexOf(heading))
  const table = after.slice(after.indexOf('\n| field'))
  const rows: [string, string][] = []
  for (const line of table.split('\n').slice(3)) {
    if (!line.startsWith('|')) break
    const [field, source] = line
      .split('|')
      .slice(1, 3)
      .map((cell) => cell.trim())
    rows.push([field!.replace(/`/g, ''), source!])
  }
  return rows
}

it("shows in the README exactly the connectors' field mapping tables", () => {
  const rows = (mapping: readonly { field: string; source: string }[]) =>
    mapping.map((row): [string, string] => [row.field, row.source])
  expect(readmeTable('**Bitrix24.**')).toEqual(rows(BITRIX24_FIELDS))
  expect(readmeTable('**amoCRM.**')).toEqual(rows(AMOCRM_FIELDS))
})
