import { afterEach, expect, test } from 'vitest'
import { startRelay, type TestRelay } from '../../packages/relay/src/testing/relay.ts'
import { ofType } from '../../packages/relay/src/testing/ws-client.ts'
import { startBot } from './index.ts'

let relay: TestRelay | undefined
let stopBot = () => {}
afterEach(async () => {
  stopBot()
  await relay?.close()
})

test('against a real relay, the bot joins with an API token and answers a visitor', async () => {
  relay = await startRelay()
  const cookie = await relay.login()
  const created = await fetch(`${relay.url}/v1/admin/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ name: 'greeter bot' }),
  })
  expect(created.status).toBe(201)
  const { token } = (await created.json()) as { token: string }

  const bot = startBot({
    url: relay.url,
    apiToken: token,
    reply: (message) => `Thanks, we got: ${message.text}`,
    log: () => {},
  })
  stopBot = () => bot.destroy()
  await expect.poll(() => bot.$status.get()).toBe('connected')

  const { socket } = await relay.visitor()
  socket.send({ t: 'send', cid: 'c-1', text: 'Do you ship to Berlin?' })
  const answer = await socket.next(
    (frame) => ofType('event')(frame) && frame.author?.kind === 'operator',
    5_000,
  )
  expect(answer.text).toBe('Thanks, we got: Do you ship to Berlin?')
})
