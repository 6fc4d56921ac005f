import type { Statement } from 'better-sqlite3'
import type { SqliteDatabase } from './sqlite.ts'
import type { Tx } from './unit-of-work.ts'

/**
 * A store's statements: `sql(text)` gives the statement for `text`, prepared on first use and
 * reused after (compiling SQL costs more than running most of these statements). Pass the
 * transaction for a write: `sql(text, tx)` throws unless `tx` is the open one, like
 * `SqliteDatabase.write`. `text` must be a constant — a value goes in a parameter, a list in
 * `json_each(?)` — so the cache holds one statement per call site.
 */
export type Statements = (text: string, tx?: Tx) => Statement

/** The statement cache of one store instance (see `Statements`). */
export function statements(db: SqliteDatabase): Statements {
  const cache = new Map<string, Statement>()
  return (text, tx) => {
    if (tx !== undefined) db.write(tx)
    let statement = cache.get(text)
    if (statement === undefined) {
      statement = db.raw.prepare(text)
      cache.set(text, statement)
    }
    return statement
  }
}
