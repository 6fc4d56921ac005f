import { relayError } from '../../infra/errors.ts'

/** Where a keyset page ends: the sort key of the last row it covered. */
export type PageKey = readonly [number, ...string[]]

/**
 * An opaque cursor: base64url of the JSON of the key. Clients pass it back as it is; the
 * relay checks its shape, so a hand-made one is `cursor_invalid`, never a query error.
 */
export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/** The key of a cursor with `strings` string parts after the time; `cursor_invalid` otherwise. */
export function decodeCursor(cursor: string | undefined, strings: number): PageKey | undefined {
  if (cursor === undefined) return undefined
  let key: unknown
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw relayError('cursor_invalid')
  }
  const valid =
    Array.isArray(key) &&
    key.length === strings + 1 &&
    Number.isSafeInteger(key[0]) &&
    key.slice(1).every((part) => typeof part === 'string' && part.length <= 200)
  if (!valid) throw relayError('cursor_invalid')
  return key as unknown as PageKey
}

export interface ScanOptions<Row, Item> {
  after: PageKey | undefined
  limit: number
  /** Rows after `after`, in key order, at most `n`. */
  fetch: (after: PageKey | undefined, n: number) => Promise<Row[]>
  keyOf: (row: Row) => PageKey
  /** What each row of a batch becomes, or undefined: skipped (not visible, not a lead). */
  select: (rows: Row[]) => Promise<(Item | undefined)[]>
  /** Rows read at most for one page, so a narrow view cannot make a page scan the table. */
  maxScan?: number
}

/**
 * One page of a keyset walk that skips rows: reads batches after the cursor until `limit`
 * items are kept, the rows end (`next: null`) or `maxScan` rows were read. `next` is the key
 * of the last row covered, kept or skipped, so nothing before it is ever read again.
 */
export async function scanPage<Row, Item>(
  options: ScanOptions<Row, Item>,
): Promise<{ items: Item[]; next: PageKey | null }> {
  const { limit, fetch, keyOf, select } = options
  const maxScan = options.maxScan ?? limit * 10
  const items: Item[] = []
  let last = options.after
  let scanned = 0
  // One more than a page, so a full page usually learns in the same read whether it is the end.
  const batchSize = limit + 1
  while (scanned < maxScan) {
    const batch = await fetch(last, batchSize)
    const selected = await select(batch)
    for (const [i, row] of batch.entries()) {
      if (items.length === limit) return { items, next: last ?? null }
      last = keyOf(row)
      scanned++
      const item = selected[i]
      if (item !== undefined) items.push(item)
    }
    if (batch.length < batchSize) return { items, next: null }
  }
  return { items, next: last ?? null }
}
