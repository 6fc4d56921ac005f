import { describe, expect, it } from 'vitest'
import type { Router } from './router.ts'
import { group, log, ok, refused, routerWith } from './test/fixtures.ts'

const arrive = (router: Router, conversationId: string, groupId = 'g1') =>
  ok(router.arrive({ conversationId, groupId }))

describe('no answer', () => {
  it('moves the conversation to another member', () => {
    const router = routerWith([{ ...group('g1'), members: ['a', 'b', 'c'] }], ['a', 'b', 'c'])
    arrive(router, 'c1')
    expect(ok(router.noAnswer('c1', 'a'))).toEqual([
      'unassigned c1 a timed_out',
      'assigned c1 b g1 timed_out',
    ])
  })

  it('queues it in front when nobody else has room, and never gives it back to the one who timed out', () => {
    const router = routerWith(
      [{ ...group('g1', { capacity: 1 }), members: ['a', 'b'] }],
      ['a', 'b'],
    )
    for (const id of ['c1', 'c2', 'c3']) arrive(router, id)
    expect(ok(router.noAnswer('c1', 'a'))).toEqual([
      'unassigned c1 a timed_out',
      'queued c1 g1 timed_out all_full',
      'assigned c3 a g1 drained',
      'positions g1 [c1]',
    ])
    expect(ok(router.close('c2'))).toEqual(['assigned c1 b g1 drained', 'positions g1 []'])
  })

  it('offers it round the group again once every member has timed out', () => {
    const router = routerWith([{ ...group('g1'), members: ['a', 'b'] }], ['a', 'b'])
    arrive(router, 'c1')
    ok(router.noAnswer('c1', 'a'))
    expect(ok(router.noAnswer('c1', 'b'))).toEqual([
      'unassigned c1 b timed_out',
      'assigned c1 a g1 timed_out',
    ])
  })

  it('does nothing after the operator answered, or for an operator who no longer has it', () => {
    const router = routerWith([{ ...group('g1'), members: ['a', 'b'] }], ['a', 'b'])
    arrive(router, 'c1')
    expect(ok(router.answered('c1', 'a'))).toEqual([])
    expect(ok(router.noAnswer('c1', 'a'))).toEqual([])
    expect(ok(router.noAnswer('c1', 'b'))).toEqual([])
    expect(router.conversation('c1')).toEqual({
      conversationId: 'c1',
      groupId: 'g1',
      operatorId: 'a',
      answered: true,
    })
  })

  it('puts a broadcast conversation back in front of the queue', () => {
    const g1 = group('g1', { strategy: 'broadcast' })
    const router = routerWith([{ ...g1, members: ['a', 'b'] }], ['a', 'b'])
    arrive(router, 'c1')
    arrive(router, 'c2')
    ok(router.accept('c1', 'a'))
    expect(ok(router.noAnswer('c1', 'a'))).toEqual([
      'unassigned c1 a timed_out',
      'queued c1 g1 timed_out broadcast',
      'positions g1 [c1,c2]',
    ])
  })
})

describe('transfer', () => {
  const setup = () =>
    routerWith(
      [
        { ...group('g1', { capacity: 1 }), members: ['a', 'b', 'c', 'd', 'e'] },
        { ...group('g2', { strategy: 'least_busy' }), members: ['x', 'y'] },
        { ...group('g3', { whenNobodyOnline: 'offline_form' }), members: ['z'] },
      ],
      ['a', 'd', 'x', 'y'],
    )

  it('hands the conversation to an online or paused member with room', () => {
    const router = setup()
    arrive(router, 'c1')
    router.setStatus('b', 'pause')
    expect(ok(router.transfer('c1', { operatorId: 'b' }))).toEqual([
      'unassigned c1 a transferred',
      'assigned c1 b g1 transferred',
    ])
  })

  it('refuses an operator who is away, offline, full, not a member or already has it, and changes nothing', () => {
    const router = setup()
    arrive(router, 'c1')
    arrive(router, 'c2')
    router.setStatus('b', 'away')
    expect(refused(router.transfer('c1', { operatorId: 'b' }))).toBe('operator_unavailable')
    expect(refused(router.transfer('c1', { operatorId: 'c' }))).toBe('operator_unavailable')
    expect(refused(router.transfer('c1', { operatorId: 'd' }))).toBe('operator_full')
    expect(refused(router.transfer('c1', { operatorId: 'x' }))).toBe('not_member')
    expect(refused(router.transfer('c1', { operatorId: 'a' }))).toBe('already_assigned')
    expect(refused(router.transfer('c1', { groupId: 'nope' }))).toBe('unknown_group')
    expect(refused(router.transfer('c9', { groupId: 'g2' }))).toBe('unknown_conversation')
    expect([router.assignment('c1'), router.assignment('c2')]).toEqual(['a', 'd'])
  })

  it('hands it to a member of another group, moving it there', () => {
    const router = setup()
    arrive(router, 'c1')
    expect(ok(router.transfer('c1', { operatorId: 'y', groupId: 'g2' }))).toEqual([
      'unassigned c1 a transferred',
      'assigned c1 y g2 transferred',
    ])
    expect(router.conversation('c1')?.groupId).toBe('g2')
  })

  it('routes it in a group like an arrival, and gives the freed room to the queue', () => {
    const router = setup()
    for (const id of ['c1', 'c2', 'c3']) arrive(router, id)
    expect(router.queue('g1')).toEqual(['c3'])
    expect(ok(router.transfer('c1', { groupId: 'g2' }))).toEqual([
      'unassigned c1 a transferred',
      'assigned c1 x g2 transferred',
      'assigned c3 a g1 drained',
      'positions g1 []',
    ])
  })

  it('follows the group’s rule when nobody there is online', () => {
    const router = setup()
    arrive(router, 'c1')
    expect(ok(router.transfer('c1', { groupId: 'g3' }))).toEqual([
      'unassigned c1 a transferred',
      'offline_form c1 g3 transferred',
    ])
  })
})

describe('operator leaving', () => {
  it('sends an offline operator’s conversations to the front of the queue in arrival order', () => {
    const router = routerWith([{ ...group('g1'), members: ['a', 'b', 'c'] }], ['a', 'b'])
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5']) arrive(router, id)
    expect(log(router.setStatus('a', 'offline'))).toEqual([
      'unassigned c1 a requeued',
      'unassigned c3 a requeued',
      'queued c1 g1 requeued all_full',
      'queued c3 g1 requeued all_full',
      'positions g1 [c1,c3,c5]',
    ])
    expect(log(router.setStatus('c', 'online'))).toEqual([
      'assigned c1 c g1 drained',
      'assigned c3 c g1 drained',
      'positions g1 [c5]',
    ])
  })

  it('routes them again at once when someone has room, or by the nobody-online rule', () => {
    const g1 = group('g1', { whenNobodyOnline: 'offline_form' })
    const router = routerWith([{ ...g1, members: ['a', 'b'] }], ['a', 'b'])
    arrive(router, 'c1')
    expect(log(router.setStatus('a', 'offline'))).toEqual([
      'unassigned c1 a requeued',
      'assigned c1 b g1 requeued',
    ])
    expect(log(router.setStatus('b', 'offline'))).toEqual([
      'unassigned c1 b requeued',
      'offline_form c1 g1 requeued',
    ])
  })

  it('keeps the conversations of a paused or away operator', () => {
    const router = routerWith([{ ...group('g1'), members: ['a'] }], ['a'])
    arrive(router, 'c1')
    expect(router.setStatus('a', 'pause')).toEqual([])
    expect(router.setStatus('a', 'away')).toEqual([])
    expect(router.assignment('c1')).toBe('a')
  })

  it('takes a removed operator out of every group and requeues their conversations', () => {
    const router = routerWith(
      [
        { ...group('g1'), members: ['a', 'b'] },
        { ...group('g2'), members: ['a'] },
      ],
      ['a', 'b'],
    )
    arrive(router, 'c1')
    arrive(router, 'c2', 'g2')
    expect(log(router.removeOperator('a'))).toEqual([
      'unassigned c1 a requeued',
      'unassigned c2 a requeued',
      'assigned c1 b g1 requeued',
      'queued c2 g2 requeued nobody_online',
      'positions g2 [c2]',
    ])
    expect(router.snapshot().groups.map((g) => g.members)).toEqual([['b'], []])
  })
})
