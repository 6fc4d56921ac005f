import type { Scenario } from '@parley/protocol'
import { isSafeRegex, matchPattern, matchWhere } from '@parley/scenarios'
import { patternsToText } from './scenario-form.ts'

type Pattern = Scenario['where']['include'][number]

/** A pattern as the editor's line shows it, in quotes. */
const quoted = (p: Pattern) => `“${patternsToText([p])}”`

/**
 * A sentence saying whether a scenario with `where` shows on the page at `address` (a whole
 * http(s) URL, as the widget reads `location.href`) by the widget's own matching
 * (`matchWhere`), and which rule decided: an exception that matches wins over a page that
 * matches. A regex the relay would refuse is not run here either.
 */
export function checkUrl(where: Scenario['where'], address: string): string {
  let page: { url: string; path: string }
  try {
    const url = new URL(address.trim())
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('not a page')
    page = { url: url.href, path: url.pathname }
  } catch {
    return 'Type the whole address, like https://example.com/catalog.'
  }
  const refused = [...where.include, ...where.exclude].find(
    (p) => p.type === 'regex' && !isSafeRegex(p.value),
  )
  if (refused) {
    return `Cannot test: ${quoted(refused)} is not a regular expression the relay accepts.`
  }
  const shown = matchWhere(where, { ...page, enteredAt: 0 })
  const on = (p: Pattern) => matchPattern(p, page.url, page.path)
  const excepted = where.exclude.find(on)
  const listed = where.include.find(on)
  const why = excepted
    ? `${quoted(excepted)} under “Except on” matches.`
    : where.include.length === 0
      ? 'no pages are listed, so it shows on every page, and no exception matches.'
      : listed
        ? `${quoted(listed)} matches.`
        : 'none of the pages listed matches.'
  return `${shown ? 'Shown' : 'Not shown'}: ${why}`
}
