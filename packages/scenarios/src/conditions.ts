import type { Condition, ConditionGroup, InnerConditionGroup } from '@parley/protocol'
import type { Facts } from './facts.ts'
import { matchPattern, matchWildcard } from './match-page.ts'
import { checkSchedule } from './schedule.ts'

/** A condition's value now, and the earliest future time it could change by time alone. */
export type Check = [value: boolean, nextChangeAt: number]

const NEVER = Number.POSITIVE_INFINITY
/** `RU-MOW`, `mow` -> `MOW`; `ru` -> `RU`. */
const upper = (code = '') => code.toUpperCase().replace(/^[A-Z]{2}-/, '')
const like = (pattern: string | undefined, value: string | undefined) =>
  pattern === undefined || matchWildcard(pattern.toLowerCase(), (value ?? '').toLowerCase())

/** Time threshold: false until `at`, then true for good. */
const after = (at: number, now: number): Check => (now >= at ? [true, NEVER] : [false, at])

function value(c: Condition, f: Facts): boolean {
  switch (c.type) {
    case 'region': {
      const r = f.region
      return (
        !!r &&
        upper(r.country) === upper(c.country) &&
        (c.region === undefined || upper(r.region) === upper(c.region))
      )
    }
    case 'pagesViewed':
      return f.session.pages >= c.count
    case 'referrer':
      return !!f.session.referrer && matchPattern(c.pattern, f.session.referrer)
    case 'utm': {
      const u = f.session.utm
      if (!u) return false
      if (c.source === undefined && c.medium === undefined && c.campaign === undefined) {
        return !!(u.source || u.medium || u.campaign)
      }
      return like(c.source, u.source) && like(c.medium, u.medium) && like(c.campaign, u.campaign)
    }
    case 'device':
      return f.device === c.device
    case 'visitor':
      return !!f.session.returning === (c.visitor === 'returning')
    case 'operatorsOnline': {
      const o = f.operatorsOnline
      if (typeof o === 'boolean') return o
      return c.group === undefined ? Object.values(o).some(Boolean) : !!o[c.group]
    }
    case 'noOpenConversation':
      return !f.hasOpenConversation
    case 'exitIntent':
      return !!f.exitIntent
    case 'customEvent':
      return f.events.includes(c.name)
  }
  return false
}

/** One condition. Never throws: anything malformed or unknown is false. */
export function checkCondition(c: Condition, f: Facts): Check {
  try {
    if (c.type === 'timeOnSite') return after(f.session.startedAt + c.seconds * 1000, f.now)
    if (c.type === 'timeOnPage') return after(f.page.enteredAt + c.seconds * 1000, f.now)
    if (c.type === 'schedule') return checkSchedule(c, f.now)
    return [value(c, f), NEVER]
  } catch {
    return [false, NEVER]
  }
}

/**
 * A group: `all` (empty: true) or `any` (empty: false). `nextChangeAt` is a
 * lower bound: the group cannot change before it, so one timer set there
 * (and a new evaluation whenever the facts change) never misses a change.
 */
export function checkGroup(g: ConditionGroup | InnerConditionGroup, f: Facts): Check {
  const all = 'all' in g
  // The group keeps its default value until a member disagrees; then it changes
  // back only once every disagreeing member has changed.
  let flip = NEVER
  let disagree = false
  let hold = Number.NEGATIVE_INFINITY
  for (const c of 'all' in g ? g.all : g.any) {
    const [v, next] = 'type' in c ? checkCondition(c, f) : checkGroup(c, f)
    if (v === all) flip = Math.min(flip, next)
    else {
      disagree = true
      hold = Math.max(hold, next)
    }
  }
  return disagree ? [!all, hold] : [all, flip]
}
