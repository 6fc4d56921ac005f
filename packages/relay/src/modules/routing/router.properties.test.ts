import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { QueueEntry } from './queue.ts'
import { Router } from './router.ts'
import type { Candidate } from './state.ts'
import { group } from './test/fixtures.ts'
import { check } from './test/ledger.ts'
import { actionArb, OPERATORS, type Setup, setupArb, simulate } from './test/simulation.ts'
import type { OperatorStatus, Strategy } from './types.ts'

type Make = () => Router

/** (1), (2), (3), (5) and (6) after every call of a random run over 3 groups and 6 operators. */
const randomRuns = (make: Make) =>
  fc.property(
    setupArb,
    fc.array(actionArb, { maxLength: 80, size: 'max' }),
    (setup: Setup, actions) => {
      simulate(make, setup, actions)
    },
  )

/**
 * (4) While a round-robin group's members all stay online with room and conversations
 * only arrive (there and in a least-busy group sharing some members), the members'
 * counts in the round-robin group never differ by more than one.
 */
const roundRobinSpread = (make: Make) =>
  fc.property(
    fc.shuffledSubarray(OPERATORS, { minLength: 2 }),
    fc.subarray(OPERATORS, { minLength: 1 }),
    fc.array(fc.boolean(), { minLength: 1, maxLength: 40, size: 'max' }),
    (rr, lb, arrivals) => {
      const router = make()
      router.upsertGroup(group('rr', { capacity: 100 }))
      router.upsertGroup(group('lb', { strategy: 'least_busy', capacity: 100 }))
      router.setMembers('rr', rr)
      router.setMembers('lb', lb)
      for (const id of OPERATORS) router.setStatus(id, 'online')
      const counts = new Map(rr.map((id) => [id, 0]))
      arrivals.forEach((toRoundRobin, i) => {
        const result = router.arrive({
          conversationId: `c${i}`,
          groupId: toRoundRobin ? 'rr' : 'lb',
        })
        check(result.ok, `c${i} refused`)
        for (const d of result.decisions)
          if (d.type === 'assigned' && d.groupId === 'rr')
            counts.set(d.operatorId, counts.get(d.operatorId)! + 1)
        const spread = Math.max(...counts.values()) - Math.min(...counts.values())
        check(spread <= 1, `(4) round robin counts ${JSON.stringify(Object.fromEntries(counts))}`)
      })
    },
  )

/** (6) Two accepts of one waiting broadcast conversation: the first wins, the second gets `already_assigned`. */
const acceptRace = (make: Make) =>
  fc.property(
    fc
      .shuffledSubarray(OPERATORS, { minLength: 2 })
      .chain((members) =>
        fc.tuple(fc.constant(members), fc.constantFrom(...members), fc.constantFrom(...members)),
      ),
    fc.integer({ min: 1, max: 3 }),
    ([members, first, second], capacity) => {
      const router = make()
      router.upsertGroup(group('g0', { strategy: 'broadcast', capacity }))
      router.setMembers('g0', members)
      for (const id of members) router.setStatus(id, 'online')
      router.arrive({ conversationId: 'c1', groupId: 'g0' })
      const wins = [router.accept('c1', first), router.accept('c1', second)]
      check(wins[0]!.ok, `(6) the first accept lost`)
      check(
        !wins[1]!.ok && wins[1]!.code === 'already_assigned',
        '(6) the second accept did not get already_assigned',
      )
      check(
        router.assignment('c1') === first,
        `(6) c1 is with ${router.assignment('c1')}, not ${first}`,
      )
    },
  )

describe('routing properties', () => {
  it('keeps capacity, availability, draining and every conversation through random runs', () => {
    fc.assert(
      randomRuns(() => new Router()),
      { numRuns: 200 },
    )
  })

  it('spreads a round-robin group within one of even', () => {
    fc.assert(
      roundRobinSpread(() => new Router()),
      { numRuns: 200 },
    )
  })

  it('lets exactly one of two accepts take a broadcast conversation', () => {
    fc.assert(
      acceptRace(() => new Router()),
      { numRuns: 100 },
    )
  })

  it('routes every way in a fair share of runs (the properties above are not vacuous)', () => {
    const seen = new Map<string, number>()
    let runs = 0
    fc.assert(
      fc.property(
        setupArb,
        fc.array(actionArb, { minLength: 30, maxLength: 60 }),
        (setup, actions) => {
          runs++
          for (const what of simulate(() => new Router(), setup, actions).keys())
            seen.set(what, (seen.get(what) ?? 0) + 1)
        },
      ),
      { numRuns: 200, seed: 7 },
    )
    const rare = COVERED.filter((what) => (seen.get(what) ?? 0) < runs / 10)
    expect(rare.map((what) => `${what}: ${seen.get(what) ?? 0} of ${runs} runs`)).toEqual([])
  })
})

/** What should happen in at least a tenth of the runs (with this seed, each does in 14% to 100%). */
const COVERED = [
  ...['routed', 'preferred', 'accepted', 'timed_out', 'transferred', 'requeued', 'drained'].map(
    (reason) => `assigned ${reason}`,
  ),
  ...['routed', 'timed_out', 'transferred', 'requeued'].map((reason) => `queued ${reason}`),
  ...['timed_out', 'transferred', 'requeued'].map((reason) => `unassigned ${reason}`),
  'offline_form routed',
  'race won',
  'refused',
]

/** Deliberately broken routers, one per invariant. */
class IgnoresCapacity extends Router {
  protected override hasRoom(): boolean {
    return true
  }
}
class AssignsToPaused extends Router {
  protected override isAvailable(status: OperatorStatus): boolean {
    return status === 'online' || status === 'pause'
  }
}
class SkipsDraining extends Router {
  protected override drain(): void {}
}
class AlwaysFirst extends Router {
  protected override pick(
    _strategy: Strategy,
    candidates: readonly Candidate[],
  ): string | undefined {
    return candidates[0]?.operatorId
  }
}
class DropsWaiting extends Router {
  protected override insert(queue: QueueEntry[], entry: QueueEntry): void {
    if (queue.length === 0) super.insert(queue, entry)
  }
}
class AcceptsTwice extends Router {
  override accept(conversationId: string, operatorId: string) {
    if (this.assignment(conversationId) === null) return super.accept(conversationId, operatorId)
    return this.transfer(conversationId, { operatorId })
  }
}

describe('the properties catch a broken router', () => {
  /** Runs the property until it fails, without shrinking. */
  const failing =
    <Ts extends unknown[]>(property: fc.IRawProperty<Ts, false>) =>
    () =>
      fc.check(property, { numRuns: 300, endOnFailure: true })
  it.each([
    ['ignores capacity', '(1)', failing(randomRuns(() => new IgnoresCapacity()))],
    [
      'gives new conversations to paused operators',
      '(2)',
      failing(randomRuns(() => new AssignsToPaused())),
    ],
    ['never drains the queues', '(3)', failing(randomRuns(() => new SkipsDraining()))],
    ['always picks the first member', '(4)', failing(roundRobinSpread(() => new AlwaysFirst()))],
    ['drops a waiting conversation', '(5)', failing(randomRuns(() => new DropsWaiting()))],
    ['lets a second accept win', '(6)', failing(acceptRace(() => new AcceptsTwice()))],
  ] as const)('in a router that %s, with invariant %s', (_name, invariant, run) => {
    const result = run()
    expect(result.failed).toBe(true)
    expect(String(result.errorInstance)).toContain(invariant)
  })
})
