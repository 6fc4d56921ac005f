import type { ConversationEvent } from '@parley/protocol'
import { expect, test } from 'vitest'
import { ConversationLog } from './conversation-log.ts'
import { mergeHistory } from './history.ts'
import { memoryStorage } from './storage.ts'

function event(seq: number, text = `m${seq}`, conversationId = 'c1'): ConversationEvent {
  return {
    conversationId,
    seq,
    id: `${conversationId}-${seq}`,
    kind: 'message',
    author: { kind: 'operator' },
    text,
    at: seq,
  }
}

const texts = (log: ConversationLog, id = 'c1') => log.messages(id).map((m) => m.text)

test('a duplicate event changes nothing', () => {
  const log = new ConversationLog()
  const results = [event(1), event(2), event(1), event(2)].map((e) => log.apply(e).added.length)
  expect(results).toEqual([1, 1, 0, 0])
  expect(texts(log)).toEqual(['m1', 'm2'])
})

test('an event after a gap waits, asks for one sync, and shows once the gap is filled', () => {
  const log = new ConversationLog()
  const steps = [event(1), event(4), event(3), event(2)].map((e) => {
    const { added, needsSync } = log.apply(e)
    return `${added.map((m) => m.seq).join(',') || '-'} sync:${needsSync} cursor:${log.cursor().c1}`
  })
  expect(steps).toEqual([
    '1 sync:false cursor:1',
    '- sync:true cursor:1',
    '- sync:false cursor:1',
    '2,3,4 sync:false cursor:4',
  ])
})

test('a new log on the same storage starts empty: only read positions are kept, never text', () => {
  const storage = memoryStorage()
  const keys = { storage, readKey: 'read' }
  const first = new ConversationLog(keys)
  first.apply(event(1, 'secret'))
  first.apply(event(2))
  first.markRead('c1', 2)
  const second = new ConversationLog(keys)
  expect([second.cursor(), texts(second), second.readSeq('c1')]).toEqual([{}, [], 2])
  expect(storage.getItem('read')).toBe('{"c1":2}')
  storage.setItem('read', '{"c1":"x"}')
  expect(new ConversationLog(keys).readSeq('c1')).toBe(0)
})

test('history merged after live events adds only what is missing', () => {
  const log = new ConversationLog()
  log.apply(event(5))
  const added = mergeHistory(log, 'c1', [event(3), event(4), event(5)])
  expect(added.map((m) => m.seq)).toEqual([3, 4, 5])
  expect(mergeHistory(log, 'c1', [event(3), event(4), event(5)])).toEqual([])
  expect(texts(log)).toEqual(['m3', 'm4', 'm5'])
})

test('an own message keeps its key from pending through ack to event, even when the event comes first', () => {
  const log = new ConversationLog()
  const pending = { key: 'k1', cid: 'k1', author: { kind: 'visitor' as const }, text: 'hi', at: 0 }
  log.addPending({ ...pending, status: 'pending' })
  const shown = () => log.messages('c1').map((m) => `${m.key}:${m.status}`)
  const steps = [shown()]
  log.ack({ t: 'ack', cid: 'k1', id: 'c1-1', conversationId: 'c1', seq: 1, at: 1 })
  steps.push(shown())
  log.apply({ ...event(1, 'hi'), author: { kind: 'visitor' } })
  steps.push(shown())
  // A reload: the replayed event arrives before the resent frame is acknowledged.
  log.addPending({ ...pending, key: 'k2', cid: 'k2', text: 'again', status: 'pending' })
  log.apply({ ...event(2, 'again'), author: { kind: 'visitor' } })
  log.ack({ t: 'ack', cid: 'k2', id: 'c1-2', conversationId: 'c1', seq: 2, at: 2 })
  steps.push(shown())
  expect(steps).toEqual([['k1:pending'], ['k1:sent'], ['k1:sent'], ['k1:sent', 'k2:sent']])
})

test('a form event keeps its kind and fields; a plain message carries neither', () => {
  const log = new ConversationLog()
  const data = { name: 'Anna', phone: '+79161234567', when: 'asap' }
  log.apply({ ...event(1, 'Callback request: Anna'), kind: 'form', data })
  log.apply(event(2))
  const [form, plain] = log.messages('c1')
  expect(form).toMatchObject({ kind: 'form', data, text: 'Callback request: Anna' })
  expect(plain).not.toHaveProperty('kind')
  expect(plain).not.toHaveProperty('data')
})

test('with startAtFirst an empty conversation starts at its first event, and a gap after it is synced', () => {
  const log = new ConversationLog({ startAtFirst: true })
  const steps = [event(601), event(602), event(604)].map((e) => {
    const { added, needsSync } = log.apply(e)
    return `${added.map((m) => m.seq).join(',') || '-'} sync:${needsSync} cursor:${log.cursor().c1}`
  })
  expect(steps).toEqual([
    '601 sync:false cursor:601',
    '602 sync:false cursor:602',
    '- sync:true cursor:602',
  ])
  expect(texts(log)).toEqual(['m601', 'm602'])
})

test('a gap still open after a sync asks again for each newer event, not for the older ones the sync brings', () => {
  const log = new ConversationLog()
  const syncs = [1, 4, 5, 3, 6, 2, 7, 9].map((seq) => (log.apply(event(seq)).needsSync ? seq : '-'))
  expect(syncs).toEqual(['-', 4, 5, '-', 6, '-', '-', 9])
  expect(log.cursor()).toEqual({ c1: 7 })
})

test('after welcome the first replayed event may start the log past what it held', () => {
  const log = new ConversationLog()
  for (const seq of [1, 2, 5]) log.apply(event(seq))
  log.resetSync()
  const { added, needsSync } = log.apply(event(10))
  expect([added.map((m) => m.seq), needsSync, log.cursor()]).toEqual([[10], false, { c1: 10 }])
  expect(texts(log)).toEqual(['m10'])
  // Only the first event after welcome: a later gap is a gap.
  expect(log.apply(event(12)).needsSync).toBe(true)
})

test('an own message acknowledged below where the log starts is dropped, not shown forever', () => {
  const log = new ConversationLog({ startAtFirst: true })
  log.apply(event(601))
  log.addPending({
    key: 'k',
    cid: 'k',
    author: { kind: 'visitor' },
    text: 'old',
    at: 0,
    status: 'pending',
  })
  log.ack({ t: 'ack', cid: 'k', id: 'c1-3', conversationId: 'c1', seq: 3, at: 3 })
  expect(texts(log)).toEqual(['m601'])
})
