const QUANTIFIER = /^(?:[*+?]|\{(\d+)(,(\d*))?\})\??/

/**
 * Whether a regular expression source (no flags) is safe to run on visitor
 * URLs: compiles, at most 200 characters, no backreferences or lookarounds, no
 * repeated group that itself repeats or alternates (`(a+)+`, `(a|a)*`,
 * `(.*)*`), at most one repeating quantifier (`*`, `+`, `{n,}`, `{n,m}`:
 * two can already take seconds, `.*a.*b`), and at most 6 optional or
 * alternative branches. Conservative: some harmless sources are refused too.
 */
export function isSafeRegex(source: string): boolean {
  if (source.length > 200) return false
  try {
    new RegExp(source)
  } catch {
    return false
  }
  // Per open group: 1 = contains a quantifier, 2 = contains an alternation.
  const groups = [0]
  let repeating = 0
  let branches = 0
  let i = 0
  while (i < source.length) {
    const c = source[i++]
    let group = 0
    if (c === '\\') {
      if (/[1-9k]/.test(source[i++] ?? '')) return false
    } else if (c === '[') {
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1
      i++
    } else if (c === '(') {
      if (/^\?<?[=!]/.test(source.slice(i, i + 3))) return false
      groups.push(0)
      continue
    } else if (c === ')') {
      group = groups.pop() ?? 0
    } else if (c === '|') {
      groups[groups.length - 1]! |= 2
      branches++
      continue
    }
    const q = QUANTIFIER.exec(source.slice(i))
    if (q) {
      i += q[0].length
      const exact = q[1] !== undefined && (!q[2] || q[3] === q[1])
      if (q[0][0] === '?') {
        if (group & 1) return false
        branches++
      } else if (group || (!exact && ++repeating > 1)) return false
      group |= 1
    }
    groups[groups.length - 1]! |= group
  }
  return branches <= 6
}
