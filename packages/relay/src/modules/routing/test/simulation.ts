import fc from 'fast-check'
import type { Router } from '../router.ts'
import type { Decision, GroupConfig, OperatorStatus, Result } from '../types.ts'
import { type Context, check, Ledger, type Stats } from './ledger.ts'

export const OPERATORS = ['a', 'b', 'c', 'd', 'e', 'f']
export const GROUPS = ['g0', 'g1', 'g2']

/** One thing that happens; `conv` picks a conversation (see `pick`). */
export type Action =
  | { k: 'status'; op: number; status: OperatorStatus }
  | { k: 'capacity'; op: number; capacity: number | null }
  | { k: 'arrive'; group: number; preferred: number | null }
  | { k: 'accept'; conv: number; op: number }
  | { k: 'race'; conv: number; first: number; second: number }
  | { k: 'answered'; conv: number }
  | { k: 'noAnswer'; conv: number; stale: number | null }
  | { k: 'transferOp'; conv: number; op: number; group: number | null }
  | { k: 'transferGroup'; conv: number; group: number }
  | { k: 'close'; conv: number }
  | { k: 'members'; group: number; ops: number[] }
  | { k: 'groupCapacity'; group: number; capacity: number }
  | { k: 'remove'; op: number }

export interface Setup {
  groups: GroupConfig[]
  members: string[][]
  statuses: OperatorStatus[]
}

const op = fc.nat({ max: OPERATORS.length - 1 })
const grp = fc.nat({ max: GROUPS.length - 1 })
const conv = fc.nat({ max: 50 })
const status = fc.constantFrom<OperatorStatus>(
  'online',
  'online',
  'online',
  'pause',
  'away',
  'offline',
)
const act = <T extends Action>(arb: fc.Arbitrary<T>, weight: number) => ({ arbitrary: arb, weight })

export const actionArb: fc.Arbitrary<Action> = fc.oneof(
  act(fc.record({ k: fc.constant('status'), op, status }), 6),
  act(
    fc.record({
      k: fc.constant('capacity'),
      op,
      capacity: fc.option(fc.nat({ max: 3 }), { nil: null }),
    }),
    2,
  ),
  act(
    fc.record({ k: fc.constant('arrive'), group: grp, preferred: fc.option(op, { nil: null }) }),
    8,
  ),
  act(fc.record({ k: fc.constant('accept'), conv, op }), 2),
  act(fc.record({ k: fc.constant('race'), conv, first: op, second: op }), 3),
  act(fc.record({ k: fc.constant('answered'), conv }), 2),
  act(
    fc.record({
      k: fc.constant('noAnswer'),
      conv,
      stale: fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: op, weight: 1 }),
    }),
    3,
  ),
  act(
    fc.record({ k: fc.constant('transferOp'), conv, op, group: fc.option(grp, { nil: null }) }),
    2,
  ),
  act(fc.record({ k: fc.constant('transferGroup'), conv, group: grp }), 2),
  act(fc.record({ k: fc.constant('close'), conv }), 4),
  act(
    fc.record({ k: fc.constant('members'), group: grp, ops: fc.uniqueArray(op, { maxLength: 4 }) }),
    1,
  ),
  act(fc.record({ k: fc.constant('groupCapacity'), group: grp, capacity: fc.nat({ max: 3 }) }), 1),
  act(fc.record({ k: fc.constant('remove'), op }), 1),
)

export const setupArb: fc.Arbitrary<Setup> = fc.record({
  groups: fc.tuple(
    ...GROUPS.map((id) =>
      fc.record({
        id: fc.constant(id),
        strategy: fc.constantFrom('round_robin', 'least_busy', 'broadcast'),
        capacity: fc.constantFrom(0, 1, 1, 2, 2, 3),
        noAnswerMs: fc.constantFrom(15_000, 30_000),
        fallbackGroupId: fc.constantFrom(null, ...GROUPS.filter((g) => g !== id)),
        whenNobodyOnline: fc.constantFrom('fallback', 'queue', 'offline_form'),
      }),
    ),
  ) as fc.Arbitrary<GroupConfig[]>,
  members: fc.tuple(...GROUPS.map(() => fc.shuffledSubarray(OPERATORS, { minLength: 1 }))),
  statuses: fc.tuple(...OPERATORS.map(() => status)),
})

/**
 * The conversation an action is about: mostly an open one (a waiting one to accept),
 * one in seven among all that arrived, so closed and offline-form ones come up too.
 */
function pick(
  ledger: Ledger,
  arrived: readonly string[],
  a: Action & { conv: number },
): string | undefined {
  const open = arrived.filter((id) => ledger.open(id))
  const waiting = open.filter((id) => ledger.open(id)!.state === 'waiting')
  const accepting = (a.k === 'accept' || a.k === 'race') && waiting.length > 0
  const pool = a.conv % 7 === 0 || open.length === 0 ? arrived : accepting ? waiting : open
  return pool[a.conv % Math.max(pool.length, 1)]
}

/** Mostly a member of the group (members come first), sometimes anyone. */
function someone(ledger: Ledger, groupId: string | undefined, index: number): string {
  const members = groupId ? (ledger.members.get(groupId) ?? []) : []
  return [...members, ...OPERATORS][index]!
}

/** Applies `decisions` (or checks a refusal changed nothing) and verifies the invariants. */
function step(
  router: Router,
  ledger: Ledger,
  call: () => Result | Decision[],
  context?: Context,
): Result {
  const before = JSON.stringify(router.snapshot())
  const out = call()
  const result: Result = Array.isArray(out) ? { ok: true, decisions: out } : out
  if (result.ok) ledger.apply(result.decisions, context)
  else {
    ledger.note('refused')
    check(
      JSON.stringify(router.snapshot()) === before,
      `refused with ${result.code} but changed the state`,
    )
  }
  ledger.verify(router)
  return result
}

/**
 * Drives a router through the setup and the actions, checking the invariants after
 * every call; throws an `InvariantError` naming the first one broken.
 */
export function simulate(make: () => Router, setup: Setup, actions: readonly Action[]): Stats {
  const router = make()
  const ledger = new Ledger()
  const run = (call: () => Result | Decision[], context?: Context) =>
    step(router, ledger, call, context)
  for (const config of setup.groups) {
    ledger.groups.set(config.id, config)
    run(() => router.upsertGroup(config))
  }
  setup.groups.forEach(({ id }, i) => {
    ledger.members.set(id, setup.members[i]!)
    for (const m of setup.members[i]!) if (!ledger.status.has(m)) ledger.status.set(m, 'offline')
    run(() => router.setMembers(id, setup.members[i]!))
  })
  setup.statuses.forEach((s, i) => {
    ledger.status.set(OPERATORS[i]!, s)
    run(() => router.setStatus(OPERATORS[i]!, s))
  })
  const arrived: string[] = []
  for (const a of actions) {
    const id = 'conv' in a ? pick(ledger, arrived, a) : undefined
    if ('conv' in a && id === undefined) continue
    const c = id!
    const t = ledger.open(c)
    switch (a.k) {
      case 'status':
        ledger.status.set(OPERATORS[a.op]!, a.status)
        run(() => router.setStatus(OPERATORS[a.op]!, a.status))
        break
      case 'capacity':
        ledger.capacity.set(OPERATORS[a.op]!, a.capacity)
        if (!ledger.status.has(OPERATORS[a.op]!)) ledger.status.set(OPERATORS[a.op]!, 'offline')
        run(() => router.setCapacity(OPERATORS[a.op]!, a.capacity))
        break
      case 'arrive': {
        const next = `c${arrived.length}`
        const preferred = a.preferred === null ? undefined : OPERATORS[a.preferred]
        arrived.push(next)
        ledger.arrived(next, GROUPS[a.group]!)
        run(
          () =>
            router.arrive({
              conversationId: next,
              groupId: GROUPS[a.group]!,
              preferredOperatorId: preferred,
            }),
          { preferred },
        )
        break
      }
      case 'accept':
        run(() => router.accept(c, someone(ledger, t?.groupId, a.op)))
        break
      case 'race': {
        const waiting = t?.state === 'waiting'
        const first = run(() => router.accept(c, someone(ledger, t?.groupId, a.first)))
        const second = run(() => router.accept(c, someone(ledger, t?.groupId, a.second)))
        check(!(first.ok && second.ok), `(6) ${c} accepted twice`)
        if (first.ok)
          check(
            !second.ok && second.code === 'already_assigned',
            `(6) second accept of ${c} not already_assigned`,
          )
        if (first.ok && waiting) ledger.note('race won')
        break
      }
      case 'answered':
        if (t?.operatorId) {
          run(() => router.answered(c, t.operatorId!))
          t.answered = true
        }
        break
      case 'noAnswer': {
        const by = a.stale === null ? (t?.operatorId ?? 'a') : OPERATORS[a.stale]!
        const due = t?.state === 'assigned' && t.operatorId === by && !t.answered
        const result = run(() => router.noAnswer(c, by))
        check(
          result.ok === (t !== undefined),
          `noAnswer on ${c} refused: ${!result.ok && result.code}`,
        )
        if (result.ok)
          check(
            (result.decisions[0]?.type === 'unassigned') === due,
            `noAnswer(${c}, ${by}) ${due ? 'ignored' : 'acted although stale or answered'}`,
          )
        break
      }
      case 'transferOp': {
        const groupId = a.group === null ? undefined : GROUPS[a.group]
        const to = someone(ledger, groupId ?? t?.groupId, a.op)
        run(() => router.transfer(c, { operatorId: to, groupId }), { transferTo: to })
        break
      }
      case 'transferGroup':
        if (t) t.timedOut.clear()
        run(() => router.transfer(c, { groupId: GROUPS[a.group]! }))
        break
      case 'close': {
        if (t) t.state = 'closed'
        const result = run(() => router.close(c))
        check(result.ok === (t !== undefined), `close of ${c}: ${result.ok ? 'ok' : result.code}`)
        break
      }
      case 'members': {
        const ids = a.ops.map((i) => OPERATORS[i]!)
        ledger.members.set(GROUPS[a.group]!, ids)
        for (const m of ids) if (!ledger.status.has(m)) ledger.status.set(m, 'offline')
        run(() => router.setMembers(GROUPS[a.group]!, ids))
        break
      }
      case 'groupCapacity': {
        const config = { ...ledger.groups.get(GROUPS[a.group]!)!, capacity: a.capacity }
        ledger.groups.set(config.id, config)
        run(() => router.upsertGroup(config))
        break
      }
      case 'remove': {
        const gone = OPERATORS[a.op]!
        for (const [g, ids] of ledger.members)
          ledger.members.set(
            g,
            ids.filter((m) => m !== gone),
          )
        ledger.status.delete(gone)
        ledger.capacity.delete(gone)
        run(() => router.removeOperator(gone))
        break
      }
    }
  }
  return ledger.stats
}
