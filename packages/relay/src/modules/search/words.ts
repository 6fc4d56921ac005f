/**
 * The words of a search, the same way on every storage engine.
 *
 * A word is a run of letters and digits (Unicode: `\p{L}`, `\p{N}`, with the combining marks
 * inside it); everything else — spaces, punctuation, `@`, `-`, emoji — separates words. Words
 * are compared folded: lower case (Unicode, Cyrillic included), Latin diacritics removed
 * (`Café` = `cafe`) and `ё` read as `е`. This is what SQLite's `unicode61 remove_diacritics 2`
 * tokenizer does with the text `015_search.sql` indexes, and what a Postgres adapter indexes
 * with a `simple` configuration over the folded text (see `store.ts`).
 */

/** Most words one search takes; more are refused (`search_query_invalid`). */
export const MAX_SEARCH_WORDS = 10
/** Longest word kept (longer ones are cut): no message word is longer in practice. */
export const MAX_WORD_LENGTH = 64
/** Characters of message text around the first match in a snippet. */
export const SNIPPET_LENGTH = 160

const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu
const LATIN_WITH_MARKS = /([A-Za-z])\p{M}+/gu

/** A word as the index compares it. */
export function foldWord(word: string): string {
  return word
    .normalize('NFD')
    .replace(LATIN_WITH_MARKS, '$1')
    .normalize('NFC')
    .toLowerCase()
    .replaceAll('ё', 'е')
}

/** The folded words of a query, first occurrence of each kept, in order. */
export function searchWords(query: string): string[] {
  const words: string[] = []
  for (const [word] of query.matchAll(WORD)) {
    const folded = foldWord(word).slice(0, MAX_WORD_LENGTH)
    if (!words.includes(folded)) words.push(folded)
  }
  return words
}

/**
 * Whether a message word matches a query word: a query word of two or more characters is
 * the beginning of the message word (prefix: `заказ` finds `заказа`, `заказом`); a
 * one-character word must be the whole word (`5`, `я`), or it would match nearly everything.
 */
export function wordMatches(messageWord: string, queryWord: string): boolean {
  return queryWord.length === 1 ? messageWord === queryWord : messageWord.startsWith(queryWord)
}

/** A highlighted stretch of a snippet: `text.slice(start, end)`, in UTF-16 code units. */
export interface Highlight {
  start: number
  end: number
}

/** The part of a message a result shows, and the matched words in it. */
export interface Snippet {
  text: string
  /** In order, not overlapping. Offsets into `text`; the text itself is never marked up. */
  highlights: Highlight[]
  /** Text was cut before `text` starts / after it ends. */
  cutStart: boolean
  cutEnd: boolean
}

/**
 * A window of about `SNIPPET_LENGTH` characters of `text` around its first matching word,
 * cut at word boundaries, with every matching word in it as a range. Plain text in, plain
 * text and offsets out: whoever shows it escapes it as any text (no markers to inject).
 */
export function snippetOf(text: string, words: readonly string[]): Snippet {
  const matches: Highlight[] = []
  for (const match of text.matchAll(WORD)) {
    const folded = foldWord(match[0])
    if (words.some((word) => wordMatches(folded, word))) {
      matches.push({ start: match.index, end: match.index + match[0].length })
    }
  }
  let start = 0
  let end = text.length
  if (text.length > SNIPPET_LENGTH) {
    const first = matches[0]?.start ?? 0
    // A little context before the first match, the rest after it.
    start = Math.max(0, first - Math.floor(SNIPPET_LENGTH / 4))
    end = Math.min(text.length, start + SNIPPET_LENGTH)
    start = Math.max(0, Math.min(start, end - SNIPPET_LENGTH))
    if (start > 0) start = wordStart(text, start)
    if (end < text.length) end = wordEnd(text, end)
  }
  return {
    text: text.slice(start, end),
    highlights: matches
      .filter((m) => m.start >= start && m.end <= end)
      .map((m) => ({ start: m.start - start, end: m.end - start })),
    cutStart: start > 0,
    cutEnd: end < text.length,
  }
}

/** The first word start at or after `at` (or `at` when there is none near). */
function wordStart(text: string, at: number): number {
  const space = text.slice(at, at + 20).search(/\s/u)
  return space === -1 ? at : at + space + 1
}

/** The last word end at or before `at` (or `at` when there is none near). */
function wordEnd(text: string, at: number): number {
  const before = text.slice(Math.max(0, at - 20), at)
  const space = before.search(/\s\S*$/u)
  return space === -1 ? at : at - before.length + space
}
