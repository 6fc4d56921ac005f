import type { Condition } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { checkCondition, checkGroup } from './conditions.ts'
import type { Facts } from './facts.ts'
import { facts, MONDAY_9_UTC as T } from './test/fixtures.ts'

const NEVER = Number.POSITIVE_INFINITY
const moscow = { region: { country: 'RU', region: 'MOW' } }
/** A visit that landed with `patch` (referrer, UTM). */
const landed = (patch: Partial<Facts['session']>): Partial<Facts> => ({
  session: { ...facts().session, ...patch },
})
const utm = landed({ utm: { source: 'Google', medium: 'cpc', campaign: 'spring-sale' } })

describe('checkCondition', () => {
  it.each<[string, Condition, Partial<Facts>, boolean]>([
    ['region: same country', { type: 'region', country: 'RU' }, moscow, true],
    ['region: country in lower case', { type: 'region', country: 'ru' }, moscow, true],
    ['region: other country', { type: 'region', country: 'DE' }, moscow, false],
    ['region: same region', { type: 'region', country: 'RU', region: 'MOW' }, moscow, true],
    ['region: prefixed region', { type: 'region', country: 'RU', region: 'RU-MOW' }, moscow, true],
    ['region: other region', { type: 'region', country: 'RU', region: 'SPE' }, moscow, false],
    ['region: unknown region', { type: 'region', country: 'RU' }, {}, false],
    [
      'region: country known, region unknown',
      { type: 'region', country: 'RU', region: 'MOW' },
      { region: { country: 'RU' } },
      false,
    ],
    ['pagesViewed: reached', { type: 'pagesViewed', count: 3 }, sessionWith(3), true],
    ['pagesViewed: not reached', { type: 'pagesViewed', count: 3 }, sessionWith(2), false],
    [
      'referrer: matches',
      { type: 'referrer', pattern: { type: 'wildcard', value: 'https://www.google.*' } },
      landed({ referrer: 'https://www.google.com/search' }),
      true,
    ],
    [
      'referrer: other site',
      { type: 'referrer', pattern: { type: 'prefix', value: 'https://ya.ru' } },
      landed({ referrer: 'https://www.google.com/' }),
      false,
    ],
    ['referrer: none', { type: 'referrer', pattern: { type: 'wildcard', value: '*' } }, {}, false],
    [
      'referrer: regex',
      { type: 'referrer', pattern: { type: 'regex', value: '^https://www\\.google\\.' } },
      landed({ referrer: 'https://www.google.com/' }),
      true,
    ],
    [
      'referrer: regex that does not compile',
      { type: 'referrer', pattern: { type: 'regex', value: 'google(' } },
      landed({ referrer: 'https://www.google.com/' }),
      false,
    ],
    ['utm: source, any case', { type: 'utm', source: 'google' }, utm, true],
    [
      'utm: every given field',
      { type: 'utm', source: 'google', medium: 'cpc', campaign: 'spring-*' },
      utm,
      true,
    ],
    ['utm: one field differs', { type: 'utm', source: 'google', medium: 'email' }, utm, false],
    ['utm: field missing in visit', { type: 'utm', campaign: 'x' }, landed({ utm: {} }), false],
    ['utm: none in visit', { type: 'utm', source: 'google' }, {}, false],
    ['utm: no field, visit has one', { type: 'utm' }, utm, true],
    ['utm: no field, visit has none', { type: 'utm' }, landed({ utm: {} }), false],
    ['device: desktop', { type: 'device', device: 'desktop' }, {}, true],
    ['device: mobile', { type: 'device', device: 'mobile' }, {}, false],
    ['visitor: new', { type: 'visitor', visitor: 'new' }, {}, true],
    ['visitor: returning', { type: 'visitor', visitor: 'returning' }, {}, false],
    [
      'visitor: returning, returned',
      { type: 'visitor', visitor: 'returning' },
      landed({ returning: true }),
      true,
    ],
    ['operatorsOnline: site flag on', { type: 'operatorsOnline' }, { operatorsOnline: true }, true],
    [
      'operatorsOnline: site flag off',
      { type: 'operatorsOnline', group: 'sales' },
      { operatorsOnline: false },
      false,
    ],
    [
      'operatorsOnline: group online',
      { type: 'operatorsOnline', group: 'sales' },
      { operatorsOnline: { sales: true, support: false } },
      true,
    ],
    [
      'operatorsOnline: group offline',
      { type: 'operatorsOnline', group: 'support' },
      { operatorsOnline: { sales: true, support: false } },
      false,
    ],
    [
      'operatorsOnline: unknown group',
      { type: 'operatorsOnline', group: 'billing' },
      { operatorsOnline: { sales: true } },
      false,
    ],
    [
      'operatorsOnline: any group',
      { type: 'operatorsOnline' },
      { operatorsOnline: { sales: false, support: true } },
      true,
    ],
    ['noOpenConversation: none open', { type: 'noOpenConversation' }, {}, true],
    [
      'noOpenConversation: one open',
      { type: 'noOpenConversation' },
      { hasOpenConversation: true },
      false,
    ],
    ['exitIntent: pointer left', { type: 'exitIntent' }, { exitIntent: true }, true],
    ['exitIntent: pointer stayed', { type: 'exitIntent' }, {}, false],
    ['customEvent: fired', { type: 'customEvent', name: 'cart' }, { events: ['cart'] }, true],
    ['customEvent: not fired', { type: 'customEvent', name: 'cart' }, { events: ['x'] }, false],
    ['unknown type', { type: 'weather' } as unknown as Condition, {}, false],
  ])('%s', (_name, condition, overrides, expected) => {
    expect(checkCondition(condition, facts(overrides))).toEqual([expected, NEVER])
  })

  it('timeOnSite is false until the threshold, then true for good', () => {
    const c: Condition = { type: 'timeOnSite', seconds: 30 }
    const session = { id: 's', startedAt: T, pages: 1 }
    expect(checkCondition(c, facts({ session, now: T + 29_999 }))).toEqual([false, T + 30_000])
    expect(checkCondition(c, facts({ session, now: T + 30_000 }))).toEqual([true, NEVER])
  })

  it('timeOnPage counts from the page, not the session', () => {
    const c: Condition = { type: 'timeOnPage', seconds: 10 }
    const base = facts({ now: T + 60_000 })
    const page = { ...base.page, enteredAt: T + 55_000 }
    expect(checkCondition(c, { ...base, page })).toEqual([false, T + 65_000])
  })

  it('a malformed condition is false and does not throw', () => {
    const broken = { type: 'region' } as unknown as Condition
    expect(checkCondition(broken, facts(moscow))).toEqual([false, NEVER])
  })
})

describe('checkGroup', () => {
  const onSite = (seconds: number): Condition => ({ type: 'timeOnSite', seconds })
  const desktop: Condition = { type: 'device', device: 'desktop' }
  const mobile: Condition = { type: 'device', device: 'mobile' }
  const at = facts()

  it('treats an empty all as true and an empty any as false', () => {
    expect(checkGroup({ all: [] }, at)).toEqual([true, NEVER])
    expect(checkGroup({ any: [] }, at)).toEqual([false, NEVER])
  })

  it('waits for the last time threshold of an all', () => {
    expect(checkGroup({ all: [onSite(10), onSite(20), desktop] }, at)).toEqual([false, T + 20_000])
  })

  it('does not wake an all that a non-time condition keeps false', () => {
    expect(checkGroup({ all: [onSite(10), mobile] }, at)).toEqual([false, NEVER])
  })

  it('wakes an any at its first time threshold', () => {
    expect(checkGroup({ any: [onSite(20), onSite(10), mobile] }, at)).toEqual([false, T + 10_000])
  })

  it('does not wake an any that a non-time condition keeps true', () => {
    expect(checkGroup({ any: [onSite(10), desktop] }, at)).toEqual([true, NEVER])
  })

  it('combines a nested group', () => {
    const group = { all: [desktop, { any: [mobile, onSite(5)] }] }
    expect(checkGroup(group, at)).toEqual([false, T + 5000])
    expect(checkGroup(group, { ...at, now: T + 5000 })).toEqual([true, NEVER])
  })
})

function sessionWith(pages: number): Partial<Facts> {
  return { session: { id: 's', startedAt: T, pages } }
}
