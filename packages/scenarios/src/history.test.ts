import { describe, expect, it } from 'vitest'
import { emptyHistory, isHistory, recordDismissed, recordShown } from './history.ts'

describe('history reducers', () => {
  it('return a new history and leave the old one as it was', () => {
    const before = recordShown(emptyHistory(), 'other', 'a', 1)
    const snapshot = structuredClone(before)
    const after = recordDismissed(recordShown(before, 's', 'a', 5), 's', 7)
    expect(before).toEqual(snapshot)
    expect(after).toEqual({
      lastShownAt: 5,
      scenarios: {
        other: { shown: [1], shownInSession: ['a'] },
        s: { shown: [5], shownInSession: ['a'], dismissedAt: 7 },
      },
    })
  })

  it('remember the session of the last impression only: sessions never come back', () => {
    const h = recordShown(
      recordShown(recordShown(emptyHistory(), 's', 'a', 1), 's', 'a', 2),
      's',
      'b',
      3,
    )
    expect(h.scenarios['s']).toEqual({ shown: [1, 2, 3], shownInSession: ['b'] })
  })

  it('remember a dismissal of a scenario never shown on this device', () => {
    expect(recordDismissed(emptyHistory(), 's', 7)).toEqual({
      scenarios: { s: { shown: [], dismissedAt: 7 } },
    })
  })

  it('keep the last 100 impressions', () => {
    let h = emptyHistory()
    for (let i = 0; i < 120; i++) h = recordShown(h, 's', `s${i}`, i)
    expect(h.scenarios['s']?.shown).toHaveLength(100)
    expect(h.scenarios['s']?.shown[0]).toBe(20)
  })
})

describe('isHistory', () => {
  it.each([
    [emptyHistory(), true],
    [{ scenarios: { s: { shown: [] } } }, true],
    // What earlier versions stored is still read.
    [{ sessions: 1, scenarios: { s: { shown: [3], shownInSession: ['a', 'b'] } } }, true],
    [null, false],
    ['{}', false],
    [{ sessions: 1 }, false],
    [{ scenarios: { s: null } }, false],
    [{ scenarios: { s: { shown: 3 } } }, false],
  ])('%j is %s', (value, expected) => {
    expect(isHistory(value)).toBe(expected)
  })
})
