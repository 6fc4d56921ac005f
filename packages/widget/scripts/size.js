// Prints the gzipped size of every file in dist/ and checks the loader and widget.js budgets.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const dist = new URL('../dist/', import.meta.url).pathname
const budgets = { 'loader.js': 2048 }
const list = (dir, prefix = '') =>
  readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory()
      ? list(join(dir, name), `${prefix}${name}/`)
      : [`${prefix}${name}`],
  )
let over = false
for (const file of list(dist)) {
  const gz = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length
  const budget = budgets[file]
  over ||= budget !== undefined && gz > budget
  console.log(
    `${file.padEnd(36)} ${(gz / 1024).toFixed(2).padStart(7)} KB gz${budget && gz > budget ? '  OVER BUDGET' : ''}`,
  )
}
if (over) process.exit(1)
