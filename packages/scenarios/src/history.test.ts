import { describe, expect, it } from 'vitest'
import { emptyHistory, isHistory, newSession, recordDismissed, recordShown } from './history.ts'

describe('history reducers', () => {
  it('return a new history and leave the old one as it was', () => {
    const before = newSession(emptyHistory(), 'a')
    const snapshot = structuredClone(before)
    const after = recordDismissed(recordShown(before, 's', 'a', 5), 's', 7)
    expect(before).toEqual(snapshot)
    expect(after).toEqual({
      sessions: 1,
      session: 'a',
      lastShownAt: 5,
      scenarios: { s: { shown: [5], shownInSession: ['a'], dismissedAt: 7 } },
    })
  })

  it('count sessions and remember the current one', () => {
    expect(newSession(newSession(emptyHistory(), 'a'), 'b')).toEqual({
      sessions: 2,
      session: 'b',
      scenarios: {},
    })
  })

  it('list a session once however often it showed the scenario', () => {
    const h = recordShown(recordShown(emptyHistory(), 's', 'a', 1), 's', 'a', 2)
    expect(h.scenarios['s']).toEqual({ shown: [1, 2], shownInSession: ['a'] })
  })

  it('keep the last 100 impressions', () => {
    let h = emptyHistory()
    for (let i = 0; i < 120; i++) h = recordShown(h, 's', `s${i}`, i)
    expect(h.scenarios['s']?.shown).toHaveLength(100)
    expect(h.scenarios['s']?.shown[0]).toBe(20)
    expect(h.scenarios['s']?.shownInSession).toHaveLength(20)
  })
})

describe('isHistory', () => {
  it.each([
    [emptyHistory(), true],
    [{ sessions: 1, scenarios: { s: { shown: [], shownInSession: [] } } }, true],
    [null, false],
    ['{}', false],
    [{ sessions: '1', scenarios: {} }, false],
    [{ sessions: 1 }, false],
    [{ sessions: 1, scenarios: { s: null } }, false],
    [{ sessions: 1, scenarios: { s: { shown: 3, shownInSession: [] } } }, false],
  ])('%j is %s', (value, expected) => {
    expect(isHistory(value)).toBe(expected)
  })
})
