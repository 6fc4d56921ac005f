import type { PagePattern, ScenarioWhere } from '@parley/protocol'
import type { Facts } from './facts.ts'

/**
 * `*` matches any run of characters, everything else is literal. Leftmost
 * greedy search with `indexOf`: no regular expression, no backtracking.
 */
export function matchWildcard(pattern: string, text: string): boolean {
  const parts = pattern.split('*')
  const last = parts.length - 1
  const head = parts[0]!
  const tail = parts[last]!
  if (!last) return pattern === text
  const end = text.length - tail.length
  if (end < head.length || !text.startsWith(head) || !text.endsWith(tail)) return false
  let at = head.length
  for (let i = 1; i < last; i++) {
    const part = parts[i]!
    const found = text.indexOf(part, at)
    if (found < 0 || found + part.length > end) return false
    at = found + part.length
  }
  return true
}

const compiled = new Map<string, RegExp | null>()

/**
 * Whether `url` (or `path`, when the value starts with `/`, or `^/` for a
 * regex) matches. A regex is run as given: the relay accepts a scenario only
 * when `findUnsafePatterns` finds none, so the browser does not check again
 * (and does not ship the checker). One that does not compile never matches.
 */
export function matchPattern(pattern: PagePattern, url: string, path = url): boolean {
  const { type, value } = pattern
  const text = /^\^?\//.test(value) ? path : url
  if (type === 'exact') return text === value
  if (type === 'prefix') return text.startsWith(value)
  if (type === 'wildcard') return matchWildcard(value, text)
  if (type !== 'regex') return false
  let re = compiled.get(value)
  if (re === undefined) {
    try {
      re = new RegExp(value)
    } catch {
      re = null
    }
    compiled.set(value, re)
  }
  return !!re?.test(text)
}

/** Included (no include list: every page) and not excluded. */
export function matchWhere(where: ScenarioWhere, page: Facts['page']): boolean {
  const on = (p: PagePattern) => matchPattern(p, page.url, page.path)
  return (!where.include.length || where.include.some(on)) && !where.exclude.some(on)
}
