/** A piece of message text: plain text, or an http(s) link. */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string }

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi
const TRAILING = /[.,!?;:'")\]}]+$/
/**
 * What makes a URL show other than where it goes: control characters (`Cc`), bidi
 * marks, embeddings, overrides and isolates (`Bidi_Control`: U+061C, U+200E, U+200F,
 * U+202A–U+202E, U+2066–U+2069), or userinfo (`https://bank.example@evil.example`:
 * an `@` before the authority ends where the URL parser ends it, extra slashes included).
 */
const DECEPTIVE = /[\p{Cc}\p{Bidi_C}]|^https?:[/\\]*[^/\\?#]*@/iu

/**
 * Splits message text into text and link parts. Only absolute `http:` and `https:`
 * URLs become links; every other scheme (`javascript:`, `data:`, ...) stays text,
 * and so do deceptive URLs (see `DECEPTIVE`). Trailing punctuation is kept out of the link.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index
    let candidate = match[0]
    const trailing = TRAILING.exec(candidate)
    if (trailing) candidate = candidate.slice(0, trailing.index)
    const href = DECEPTIVE.test(candidate) ? undefined : safeHref(candidate)
    if (!href) continue
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) })
    parts.push({ kind: 'link', text: candidate, href })
    last = start + candidate.length
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) })
  return parts
}

function safeHref(candidate: string): string | undefined {
  try {
    const url = new URL(candidate)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined
  } catch {
    return undefined
  }
}
