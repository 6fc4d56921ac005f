import type { SearchHit } from '@parley/protocol'

/** A piece of a snippet: plain text, marked when it matched. */
export interface SnippetPart {
  text: string
  mark: boolean
}

/**
 * A snippet as text pieces, cut at its highlight ranges (ranges out of order, overlapping
 * or past the end are clipped, never trusted). The console renders each piece as text in
 * a `<mark>` or not: nothing of the message is ever read as markup.
 */
export function snippetParts(snippet: SearchHit['snippet']): SnippetPart[] {
  const { text } = snippet
  const parts: SnippetPart[] = []
  let at = 0
  for (const { start, end } of snippet.highlights) {
    const from = Math.max(at, Math.min(start, text.length))
    const to = Math.min(Math.max(end, from), text.length)
    if (to <= from) continue
    if (from > at) parts.push({ text: text.slice(at, from), mark: false })
    parts.push({ text: text.slice(from, to), mark: true })
    at = to
  }
  if (at < text.length) parts.push({ text: text.slice(at), mark: false })
  if (snippet.cutStart && parts[0]) parts[0] = { ...parts[0], text: `…${parts[0].text}` }
  const last = parts.at(-1)
  if (snippet.cutEnd && last) parts[parts.length - 1] = { ...last, text: `${last.text}…` }
  return parts
}
