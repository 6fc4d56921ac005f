/** A high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * `text` with every lone surrogate replaced by U+FFFD, as `String.prototype.toWellFormed`
 * does (not in every browser the widget supports, nor in the ES2023 lib). The length in
 * UTF-16 code units is unchanged.
 */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD')
}

/**
 * Replaces lone surrogates in every string of a parsed JSON value, object keys included,
 * in place, and returns the value. A store that keeps text as UTF-8 (SQLite) cannot hold
 * them and would replay U+FFFD where the live frame had the original, so inbound frames
 * are made well formed before they are checked, acknowledged or broadcast.
 * Iterative, so a deeply nested value cannot overflow the stack.
 */
export function wellFormedStrings<T>(value: T): T {
  if (typeof value === 'string') return toWellFormed(value) as T
  const pending: object[] = typeof value === 'object' && value !== null ? [value] : []
  for (let container = pending.pop(); container; container = pending.pop()) {
    const record = container as Record<string, unknown>
    for (const key of Object.keys(record)) {
      const item = record[key]
      const fixed = typeof item === 'string' ? toWellFormed(item) : item
      if (typeof item === 'object' && item !== null) pending.push(item)
      const fixedKey = toWellFormed(key)
      if (fixedKey !== key) {
        delete record[key]
        Object.defineProperty(record, fixedKey, {
          value: fixed,
          enumerable: true,
          writable: true,
          configurable: true,
        })
      } else if (fixed !== item) {
        Object.defineProperty(record, key, { value: fixed })
      }
    }
  }
  return value
}
