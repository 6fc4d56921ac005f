import type { Scenario } from '@parley/protocol'
import type { Facts } from '../facts.ts'

/** 2025-01-06 09:00:00 UTC, a Monday. */
export const MONDAY_9_UTC = Date.UTC(2025, 0, 6, 9, 0, 0)

/** A scenario that matches everywhere, always, with no caps; fields overridable. */
export function scenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    id: 's1',
    siteId: 'site',
    name: 'Invitation',
    enabled: true,
    priority: 0,
    where: { include: [], exclude: [] },
    conditions: { all: [] },
    action: { type: 'bubble', message: 'Hello' },
    rules: {},
    routing: { group: 'sales' },
    ...overrides,
  }
}

/** A new desktop visitor on `/` of shop.example who just arrived at `now`. */
export function facts(overrides: Partial<Facts> = {}): Facts {
  const now = overrides.now ?? MONDAY_9_UTC
  return {
    now,
    page: { url: 'https://shop.example/', path: '/', enteredAt: now },
    session: { id: 'session-1', startedAt: now, pages: 1 },
    device: 'desktop',
    operatorsOnline: true,
    hasOpenConversation: false,
    widgetOpen: false,
    exitIntent: false,
    events: [],
    ...overrides,
  }
}

/** `facts` on another page of the same site. */
export function onPage(path: string, base: Facts = facts()): Facts {
  return { ...base, page: { ...base.page, url: `https://shop.example${path}`, path } }
}
