import { describe, expect, it } from 'vitest'
import { Router } from './router.ts'
import { group, log, ok, refused, routerWith } from './test/fixtures.ts'

const arrive = (router: Router, conversationId: string, groupId = 'g1', preferred?: string) =>
  ok(router.arrive({ conversationId, groupId, preferredOperatorId: preferred }))

describe('round robin', () => {
  it('gives new conversations to the online members in turn', () => {
    const router = routerWith([{ ...group('g1'), members: ['a', 'b', 'c'] }], ['a', 'b', 'c'])
    expect(['c1', 'c2', 'c3', 'c4'].map((id) => arrive(router, id))).toEqual([
      ['assigned c1 a g1 routed'],
      ['assigned c2 b g1 routed'],
      ['assigned c3 c g1 routed'],
      ['assigned c4 a g1 routed'],
    ])
  })

  it('skips members who are full, paused, away or offline', () => {
    const router = routerWith([{ ...group('g1'), members: ['a', 'b', 'c', 'd', 'e'] }], ['a', 'e'])
    router.setCapacity('a', 0)
    router.setStatus('b', 'pause')
    router.setStatus('c', 'away')
    expect(arrive(router, 'c1')).toEqual(['assigned c1 e g1 routed'])
    expect(arrive(router, 'c2')).toEqual(['assigned c2 e g1 routed'])
    expect(arrive(router, 'c3')).toEqual(['queued c3 g1 routed all_full', 'positions g1 [c3]'])
  })

  it('gives a member skipped while full the next conversation once they have room', () => {
    const router = routerWith([{ ...group('g1', { capacity: 5 }), members: ['a', 'b', 'c'] }])
    for (const id of ['a', 'b', 'c']) router.setStatus(id, 'online')
    router.setCapacity('a', 1)
    for (const id of ['c1', 'c2', 'c3', 'c4']) arrive(router, id)
    expect(router.assignment('c4')).toBe('b')
    ok(router.close('c1'))
    expect(arrive(router, 'c5')).toEqual(['assigned c5 a g1 routed'])
  })
})

describe('least busy', () => {
  it('picks the member with the fewest open conversations, ties by the rotation', () => {
    const router = routerWith(
      [{ ...group('g1', { strategy: 'least_busy', capacity: 5 }), members: ['a', 'b', 'c'] }],
      ['a', 'b', 'c'],
    )
    for (const id of ['c1', 'c2', 'c3']) arrive(router, id)
    ok(router.close('c2'))
    expect(arrive(router, 'c4')).toEqual(['assigned c4 b g1 routed'])
    expect(arrive(router, 'c5')).toEqual(['assigned c5 a g1 routed'])
  })

  it('counts conversations from the operator’s other groups', () => {
    const router = routerWith(
      [
        { ...group('g1', { strategy: 'least_busy' }), members: ['a', 'b'] },
        { ...group('g2'), members: ['a'] },
      ],
      ['a', 'b'],
    )
    arrive(router, 'c0', 'g2')
    expect(arrive(router, 'c1')).toEqual(['assigned c1 b g1 routed'])
  })
})

describe('capacity', () => {
  it('uses the group’s default, or the operator’s own capacity in every group; lowering it takes nothing away', () => {
    const router = routerWith(
      [
        { ...group('g1', { capacity: 1 }), members: ['a'] },
        { ...group('g2', { capacity: 3 }), members: ['a'] },
      ],
      ['a'],
    )
    expect(arrive(router, 'c1')).toEqual(['assigned c1 a g1 routed'])
    expect(arrive(router, 'c2')).toEqual(['queued c2 g1 routed all_full', 'positions g1 [c2]'])
    expect(arrive(router, 'c3', 'g2')).toEqual(['assigned c3 a g2 routed'])
    expect(log(router.setCapacity('a', 5))).toEqual(['assigned c2 a g1 drained', 'positions g1 []'])
    expect(router.setCapacity('a', 2)).toEqual([])
    expect(router.load('a')).toBe(3)
    expect(arrive(router, 'c4', 'g2')).toEqual([
      'queued c4 g2 routed all_full',
      'positions g2 [c4]',
    ])
  })
})

describe('broadcast', () => {
  it('keeps the conversation in the queue until the first member accepts it', () => {
    const router = routerWith(
      [
        { ...group('g1', { strategy: 'broadcast' }), members: ['a', 'b', 'c'] },
        { ...group('g2'), members: ['d'] },
      ],
      ['a', 'b', 'd'],
    )
    router.setStatus('c', 'pause')
    expect(arrive(router, 'c1')).toEqual(['queued c1 g1 routed broadcast', 'positions g1 [c1]'])
    expect(refused(router.accept('c1', 'd'))).toBe('not_member')
    expect(refused(router.accept('c1', 'c'))).toBe('operator_unavailable')
    expect(ok(router.accept('c1', 'a'))).toEqual(['assigned c1 a g1 accepted', 'positions g1 []'])
    expect(refused(router.accept('c1', 'b'))).toBe('already_assigned')
    router.setCapacity('b', 0)
    arrive(router, 'c2')
    expect(refused(router.accept('c2', 'b'))).toBe('operator_full')
    expect(router.queue('g1')).toEqual(['c2'])
  })
})

describe('returning visitor', () => {
  it('goes to the operator they spoke with if online, a member and with room, else by the strategy', () => {
    const router = routerWith([{ ...group('g1'), members: ['a', 'b', 'c'] }], ['a', 'b', 'c'])
    router.setCapacity('c', 1)
    router.setStatus('b', 'pause')
    expect(arrive(router, 'c1', 'g1', 'c')).toEqual(['assigned c1 c g1 preferred'])
    expect(arrive(router, 'c2', 'g1', 'c')).toEqual(['assigned c2 a g1 routed'])
    expect(arrive(router, 'c3', 'g1', 'b')).toEqual(['assigned c3 a g1 routed'])
    expect(arrive(router, 'c4', 'g1', 'stranger')).toEqual([
      'queued c4 g1 routed all_full',
      'positions g1 [c4]',
    ])
  })
})

describe('nobody online', () => {
  const fallback = group('g1', { whenNobodyOnline: 'fallback', fallbackGroupId: 'g2' })

  it('routes to the fallback group', () => {
    const router = routerWith(
      [
        { ...fallback, members: ['a'] },
        { ...group('g2'), members: ['x'] },
      ],
      ['x'],
    )
    expect(arrive(router, 'c1')).toEqual(['assigned c1 x g2 routed'])
    expect(router.conversation('c1')?.groupId).toBe('g2')
  })

  it('gives the offline form when the fallback has nobody online either, whatever its own rule', () => {
    const g2 = group('g2', { whenNobodyOnline: 'fallback', fallbackGroupId: 'g1' })
    const router = routerWith([
      { ...fallback, members: ['a'] },
      { ...g2, members: ['x'] },
    ])
    router.setStatus('x', 'pause')
    expect(arrive(router, 'c1')).toEqual(['offline_form c1 g1 routed'])
    expect(router.conversation('c1')).toBeNull()
  })

  it('queues until a member comes online', () => {
    const router = routerWith([{ ...group('g1'), members: ['a'] }])
    expect(arrive(router, 'c1')).toEqual(['queued c1 g1 routed nobody_online', 'positions g1 [c1]'])
    expect(router.setStatus('a', 'online')).toEqual([
      expect.objectContaining({ type: 'assigned', conversationId: 'c1', reason: 'drained' }),
      { type: 'positions', groupId: 'g1', queue: [] },
    ])
  })

  it('gives the offline form without queueing', () => {
    const router = routerWith([
      { ...group('g1', { whenNobodyOnline: 'offline_form' }), members: ['a'] },
    ])
    expect(arrive(router, 'c1')).toEqual(['offline_form c1 g1 routed'])
    expect(router.queue('g1')).toEqual([])
  })

  it('falls back only when nobody is online, not when everyone is full', () => {
    const router = routerWith(
      [
        { ...fallback, members: ['a'] },
        { ...group('g2'), members: ['x'] },
      ],
      ['a', 'x'],
    )
    router.setCapacity('a', 0)
    expect(arrive(router, 'c1')).toEqual(['queued c1 g1 routed all_full', 'positions g1 [c1]'])
  })
})

describe('draining the queues', () => {
  it('gives freed room to the oldest waiting conversation and tells the others their place', () => {
    const router = routerWith(
      [{ ...group('g1', { capacity: 1 }), members: ['a', 'b'] }],
      ['a', 'b'],
    )
    for (const id of ['c1', 'c2', 'c3', 'c4']) arrive(router, id)
    expect(router.queue('g1')).toEqual(['c3', 'c4'])
    expect(ok(router.close('c1'))).toEqual(['assigned c3 a g1 drained', 'positions g1 [c4]'])
    expect(router.position('c4')).toBe(1)
    expect(ok(router.close('c4'))).toEqual(['positions g1 []'])
  })

  it('serves the longest wait first across the operator’s groups', () => {
    const router = routerWith(
      [
        { ...group('g1', { capacity: 1 }), members: ['a'] },
        { ...group('g2', { capacity: 1 }), members: ['a'] },
      ],
      ['a'],
    )
    arrive(router, 'c1', 'g1')
    arrive(router, 'c2', 'g2')
    arrive(router, 'c3', 'g1')
    expect(ok(router.close('c1'))).toEqual(['assigned c2 a g2 drained', 'positions g2 []'])
    expect(router.queue('g1')).toEqual(['c3'])
  })
})

describe('restore', () => {
  it('rebuilds assignments and the queue order, then routes as operators come and go', () => {
    const router = routerWith([{ ...group('g1'), members: ['a', 'b'] }])
    const decisions = router.restore([
      { conversationId: 'c1', groupId: 'g1', operatorId: 'a' },
      { conversationId: 'c2', groupId: 'g1', operatorId: null },
      { conversationId: 'c3', groupId: 'g1', operatorId: 'b', answered: true },
      { conversationId: 'c4', groupId: 'g1', operatorId: null },
    ])
    expect(decisions).toEqual([{ type: 'positions', groupId: 'g1', queue: ['c2', 'c4'] }])
    expect([router.load('a'), router.position('c4'), router.conversation('c3')?.answered]).toEqual([
      1,
      2,
      true,
    ])
    expect(log(router.setStatus('a', 'online'))).toEqual([
      'assigned c2 a g1 drained',
      'positions g1 [c4]',
    ])
    expect(router.setStatus('b', 'offline')).toEqual([
      { type: 'unassigned', conversationId: 'c3', operatorId: 'b', reason: 'requeued' },
      { type: 'queued', conversationId: 'c3', groupId: 'g1', reason: 'requeued', wait: 'all_full' },
      { type: 'positions', groupId: 'g1', queue: ['c3', 'c4'] },
    ])
    expect(() => router.restore([])).toThrow(/already has conversations/)
  })
})

describe('refusals and mistakes', () => {
  it('refuses unknown ids, duplicates and removing a group in use, and changes nothing', () => {
    const router = routerWith(
      [
        { ...group('g1'), members: ['a'] },
        { ...group('g2'), members: [] },
      ],
      ['a'],
    )
    arrive(router, 'c1')
    expect(refused(router.arrive({ conversationId: 'c2', groupId: 'nope' }))).toBe('unknown_group')
    expect(refused(router.arrive({ conversationId: 'c1', groupId: 'g1' }))).toBe(
      'conversation_exists',
    )
    expect(refused(router.close('c9'))).toBe('unknown_conversation')
    expect(refused(router.noAnswer('c9', 'a'))).toBe('unknown_conversation')
    expect(refused(router.removeGroup('g1'))).toBe('group_not_empty')
    expect(ok(router.removeGroup('g2'))).toEqual([])
    expect(router.snapshot().groups.map((g) => g.config.id)).toEqual(['g1'])
    expect(router.snapshot().conversations).toEqual([
      { conversationId: 'c1', groupId: 'g1', operatorId: 'a', answered: false },
    ])
  })

  it('throws on configuration mistakes, saying what to fix', () => {
    const router = new Router()
    expect(() => router.upsertGroup(group('g1', { capacity: -1 }))).toThrow(
      /capacity must be an integer >= 0/,
    )
    expect(() => router.upsertGroup(group('g1', { fallbackGroupId: 'g1' }))).toThrow(
      /another group/,
    )
    expect(() => router.setMembers('g1', ['a'])).toThrow(/call upsertGroup first/)
    expect(() => router.setCapacity('a', 1.5)).toThrow(RangeError)
  })

  it('carries the group’s no-answer time in every assignment', () => {
    const router = routerWith([{ ...group('g1', { noAnswerMs: 45_000 }), members: ['a'] }], ['a'])
    expect(router.arrive({ conversationId: 'c1', groupId: 'g1' })).toEqual({
      ok: true,
      decisions: [
        {
          type: 'assigned',
          conversationId: 'c1',
          groupId: 'g1',
          operatorId: 'a',
          reason: 'routed',
          noAnswerMs: 45_000,
        },
      ],
    })
  })
})
