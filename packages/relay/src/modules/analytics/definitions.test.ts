import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { METRICS } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { RELAY_PACKAGE_DIR } from '../../config/paths.ts'

describe('the metric definitions', () => {
  it('are the same table in docs/metrics.md as in the code', () => {
    const doc = readFileSync(join(RELAY_PACKAGE_DIR, '..', '..', 'docs', 'metrics.md'), 'utf8')
    // The table's rows, cells trimmed (a formatter may pad them).
    const rows = doc
      .split('\n')
      .filter((line) => /^\| .+ \(`\w+`\) +\|/.test(line))
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      )
    expect(rows).toEqual(METRICS.map((m) => [`${m.label} (\`${m.id}\`)`, m.unit, m.definition]))
  })
})
