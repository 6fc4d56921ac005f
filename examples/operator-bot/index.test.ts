import { afterEach, expect, test } from 'vitest'
import { FakeRelay, until } from '../../packages/client/src/test/fake-relay.ts'
import { startBot } from './index.ts'

let stop = async () => {}
afterEach(() => stop())

test('the bot answers each new visitor message once and logs what it did', async () => {
  const relay = await FakeRelay.start()
  relay.apiToken = 'bot-token'
  const log: string[] = []
  const bot = startBot({
    url: relay.url,
    apiToken: 'bot-token',
    reply: (message) => `echo: ${message.text}`,
    log: (line) => log.push(line),
  })
  stop = async () => {
    bot.destroy()
    await relay.close()
  }
  await until(() => expect(bot.$status.get()).toBe('connected'))
  relay.clock = () => Date.now()
  relay.push('c1', 'Do you ship to Berlin?', { kind: 'visitor' })
  await until(() => expect(relay.frames('send')).toHaveLength(1))
  expect(relay.frames('send')[0]).toMatchObject({
    conversationId: 'c1',
    text: 'echo: Do you ship to Berlin?',
  })
  await until(() => expect(log).toContain('answered in c1 (seq 2)'))
  expect(log).toEqual([
    'status: connecting',
    'joined as Olga; 0 conversations',
    'status: connected',
    'visitor in c1: Do you ship to Berlin?',
    'answered in c1 (seq 2)',
  ])
})

test('the bot does not answer a visitor’s system event, such as a rating', async () => {
  const relay = await FakeRelay.start()
  relay.apiToken = 'bot-token'
  const bot = startBot({
    url: relay.url,
    apiToken: 'bot-token',
    reply: (message) => `echo: ${message.text}`,
    log: () => {},
  })
  stop = async () => {
    bot.destroy()
    await relay.close()
  }
  await until(() => expect(bot.$status.get()).toBe('connected'))
  relay.clock = () => Date.now()
  const rated = relay.append('c1', '', { kind: 'visitor' }, 'system')
  relay.broadcast({ t: 'event', ...rated, data: { type: 'rated', rating: '5' } })
  relay.push('c1', 'Thanks!', { kind: 'visitor' })
  await until(() => expect(relay.frames('send')).toHaveLength(1))
  expect(relay.frames('send')[0]).toMatchObject({ conversationId: 'c1', text: 'echo: Thanks!' })
})
