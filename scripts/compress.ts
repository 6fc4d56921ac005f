/**
 * `node --import tsx scripts/compress.ts <dir>…`: writes `<file>.br` (brotli, best) and
 * `<file>.gz` (gzip level 9, as scripts/size.ts measures) beside every text file of the
 * built front-ends, which the relay serves with `@fastify/static` `preCompressed` (so no
 * compression per request). Run by the widget's and the console's `build`.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const TEXT = /\.(js|css|html|svg|json|txt)$/

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : TEXT.test(name) ? [path] : []
  })
}

export function compress(dir: string): number {
  const all = files(dir)
  for (const path of all) {
    const data = readFileSync(path)
    writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }))
    writeFileSync(
      `${path}.br`,
      brotliCompressSync(data, {
        params: {
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        },
      }),
    )
  }
  return all.length
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const dir of process.argv.slice(2)) compress(dir)
}
