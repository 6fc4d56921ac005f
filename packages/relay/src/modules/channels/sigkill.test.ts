import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PROTOCOL_VERSION } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeTelegram, telegramText } from '../../testing/fake-telegram.ts'
import { startFakeViber, viberText } from '../../testing/fake-viber.ts'
import { startFakeVk, vkMessage } from '../../testing/fake-vk.ts'
import { connect, ofType } from '../../testing/ws-client.ts'

// The compiled relay command (`pnpm build`), as in cli/main.test.ts, killed with SIGKILL while
// a reply is on its way to a messenger, and started again on the same database.

const BIN = fileURLToPath(new URL('../../../bin/parley-relay.js', import.meta.url))
const LISTENING = /^parley-relay listening on (http:\/\/\S+)$/m
const PASSWORD = 'a long enough password'
const REPLIES = ['r1', 'r2', 'r3', 'r4']

const children = new Set<ChildProcess>()
const dirs: string[] = []
const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const child of children) child.kill('SIGKILL')
  children.clear()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** A port the system picks now, free again for the relay (both runs listen on it). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** The relay command as an operator runs it, on `database`, with a messenger's API beside it. */
function relayProcess(database: string, port: number, env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN], {
    env: {
      ...process.env,
      PARLEY_LOG_LEVEL: 'silent',
      PARLEY_PORT: String(port),
      PARLEY_PUBLIC_URL: `http://127.0.0.1:${port}`,
      PARLEY_DATABASE: database,
      PARLEY_SITES: 'shop',
      PARLEY_ADMIN_PASSWORD: PASSWORD,
      PARLEY_SECRET_KEY: 'b'.repeat(64),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const exited = new Promise<string | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  )
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${stderr}`)), 15_000)
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      const match = LISTENING.exec(stdout)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    })
  })
  return { child, exited, listening }
}

/** One messenger as the test drives it: its fake, and how a visitor writes to the bot. */
interface Messenger {
  env: Record<string, string>
  contactPoint: Record<string, unknown>
  /** The visitor's first message reaches the relay (`hook`: the contact point's webhook URL). */
  write(hook: string): Promise<void>
  /** The API takes `text` and never answers, or (undefined) answers everything again. */
  hang(text: string | undefined): void
  /** The texts of the send requests the API received, in order. */
  requested(): string[]
  /** The texts the visitor received, in order. */
  delivered(): string[]
  /** What is special: VK's `random_id` of each request, the same on a resend. */
  check?(): void
  close(): Promise<void>
}

const messengers: Record<'telegram' | 'vk' | 'viber', () => Promise<Messenger>> = {
  async telegram() {
    const token = '123:good'
    const fake = await startFakeTelegram({ tokens: [token] })
    return {
      env: { PARLEY_TELEGRAM_API_ROOT: fake.apiRoot },
      contactPoint: { kind: 'telegram', credentials: { token } },
      async write() {
        expect((await fake.post(telegramText(42, 'Do you ship to Kazan?'), { token })).status).toBe(
          200,
        )
      },
      hang: (text) =>
        fake.hang(
          text === undefined
            ? undefined
            : (c) => c.method === 'sendMessage' && c.params.text === text,
          { taken: true },
        ),
      requested: () => fake.callsOf('sendMessage').map((c) => String(c.params.text)),
      delivered: () => fake.delivered.filter((m) => m.chatId === '42').map((m) => m.text),
      close: () => fake.close(),
    }
  },
  async vk() {
    const fake = await startFakeVk({ token: 'vk-token' })
    const secret = 'callback-secret'
    return {
      env: { PARLEY_VK_API_ROOT: fake.apiBaseUrl },
      contactPoint: {
        kind: 'vk',
        credentials: { token: 'vk-token', secret, confirmation: 'a1b2c3d4' },
      },
      async write(hook) {
        const response = await fetch(hook, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(vkMessage(7001, 'Do you ship to Kazan?', secret)),
        })
        expect(await response.text()).toBe('ok')
      },
      hang: (text) =>
        fake.hang(
          text === undefined
            ? undefined
            : (c) => c.method === 'messages.send' && c.params.message === text,
        ),
      requested: () => fake.callsOf('messages.send').map((c) => c.params.message ?? ''),
      delivered: () => fake.delivered.filter((m) => m.peerId === '7001').map((m) => m.text),
      check() {
        // The resend of the reply on the wire carried the same random_id as the first try.
        const ids = fake
          .callsOf('messages.send')
          .filter((c) => c.params.message === 'r2')
          .map((c) => c.params.random_id)
        expect(new Set(ids).size).toBe(1)
      },
      close: () => fake.close(),
    }
  },
  async viber() {
    const fake = await startFakeViber({ token: 'viber-token' })
    return {
      env: { PARLEY_VIBER_API_ROOT: fake.apiRoot },
      contactPoint: { kind: 'viber', credentials: { token: 'viber-token' } },
      async write() {
        expect((await fake.callback(viberText('anna==', 'Do you ship to Kazan?'))).status).toBe(200)
      },
      hang: (text) =>
        fake.hang(
          text === undefined
            ? undefined
            : (c) => c.method === 'send_message' && c.body.text === text,
        ),
      requested: () => fake.callsOf('send_message').map((c) => String(c.body.text)),
      delivered: () => fake.delivered.filter((m) => m.receiver === 'anna==').map((m) => m.text),
      close: () => fake.close(),
    }
  },
}

/**
 * How many times each reply reaches the visitor. The kill lands after the messenger took r2 and
 * before the relay stored that it did, the one instant a reply can repeat: VK drops the resend
 * by its `random_id`; Telegram and Viber have no idempotency key, so r2 arrives twice (at most:
 * it is sent again once, after the restart), and nothing else ever does.
 */
const EXPECTED: Record<keyof typeof messengers, string[]> = {
  telegram: ['r1', 'r2', 'r2', 'r3', 'r4'],
  vk: ['r1', 'r2', 'r3', 'r4'],
  viber: ['r1', 'r2', 'r2', 'r3', 'r4'],
}

describe.each(Object.keys(messengers) as (keyof typeof messengers)[])(
  'a relay killed while a reply is on its way to %s',
  (kind) => {
    it('sends every acknowledged reply after the restart, in order, none lost, a duplicate only as the messenger allows', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'parley-channels-'))
      dirs.push(dir)
      const database = join(dir, 'parley.db')
      const messenger = await messengers[kind]()
      cleanups.push(() => messenger.close())
      const port = await freePort()
      // r2 reaches the messenger, which takes it and never answers: the relay dies meanwhile.
      messenger.hang('r2')
      const first = relayProcess(database, port, messenger.env)
      const url = await first.listening
      const login = await fetch(`${url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@example.com', password: PASSWORD }),
      })
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!
      const created = await fetch(`${url}/v1/admin/contact-points`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ siteId: 'shop', name: 'Shop bot', ...messenger.contactPoint }),
      })
      const { contactPoint } = await created.json()
      expect(created.status).toBe(201)
      expect(contactPoint.status).toBe('webhook')

      const operator = await connect(`${url.replace('http', 'ws')}/v1/operator`, {
        headers: { cookie, origin: url },
      })
      operator.send({ t: 'hello', v: PROTOCOL_VERSION })
      await operator.next(ofType('welcome'))
      await messenger.write(`${url}${contactPoint.webhookPath}`)
      const { conversation } = await operator.next(ofType('conversation'), 10_000)
      for (const text of REPLIES) {
        operator.send({ t: 'send', cid: text, conversationId: conversation.id, text })
        await operator.next(ofType('ack', (f) => f.cid === text))
      }
      await expect.poll(() => messenger.requested(), { timeout: 10_000 }).toContain('r2')
      first.child.kill('SIGKILL')
      expect(await first.exited).toBe('SIGKILL')
      // Taken before the kill: r1 (answered) and r2 (its answer lost); r3 and r4 wait behind r2.
      expect(messenger.delivered()).toEqual(['r1', 'r2'])

      messenger.hang(undefined)
      const second = relayProcess(database, port, messenger.env)
      await second.listening
      await expect
        .poll(() => messenger.delivered().length, { timeout: 20_000 })
        .toBe(EXPECTED[kind].length)
      expect(messenger.delivered()).toEqual(EXPECTED[kind])
      // Each reply was asked for once, r2 twice: once before the kill, once after.
      expect(messenger.requested()).toEqual(['r1', 'r2', 'r2', 'r3', 'r4'])
      messenger.check?.()
    }, 60_000)
  },
)
