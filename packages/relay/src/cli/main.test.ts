import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PROTOCOL_VERSION } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { connect, ofType } from '../testing/ws-client.ts'

const BIN = fileURLToPath(new URL('../../bin/parley-relay.js', import.meta.url))
const LISTENING = /^parley-relay listening on (http:\/\/\S+)$/m

const children = new Set<ChildProcess>()
const dirs: string[] = []

afterEach(() => {
  for (const child of children) child.kill('SIGKILL')
  children.clear()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempDatabase(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'))
  dirs.push(dir)
  return join(dir, 'nested', 'parley.db')
}

function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, PARLEY_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no listening line; stderr: ${stderr}`)),
      15_000,
    )
    child.stdout.on('data', () => {
      const match = LISTENING.exec(stdout)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    })
    child.once('exit', () => reject(new Error(`exited early: ${stdout}${stderr}`)))
  })
  // Commands that exit without listening (--help) never await it.
  listening.catch(() => {})
  return { child, listening, exited, output: () => stdout }
}

const env = (database: string) => ({
  PARLEY_PORT: '0',
  PARLEY_DATABASE: database,
  PARLEY_SITES: 'shop',
  PARLEY_ADMIN_PASSWORD: 'a long enough password',
})

describe('parley-relay command', () => {
  it('lists every option and environment variable in --help', async () => {
    const { exited, output } = run(['--help'], {})
    expect((await exited).code).toBe(0)
    for (const name of [
      'PARLEY_PORT',
      'PARLEY_HOST',
      'PARLEY_DATABASE',
      'PARLEY_SECRET',
      'PARLEY_ADMIN_EMAIL',
      'PARLEY_ADMIN_PASSWORD',
      'PARLEY_DEMO',
      'PARLEY_ALLOWED_ORIGINS',
      'PARLEY_MAX_FRAME_BYTES',
      'PARLEY_MAX_TEXT_LENGTH',
      'PARLEY_LOG_LEVEL',
      '--reset-admin-password',
    ]) {
      expect(output()).toContain(name)
    }
  })

  it('prints a generated admin password once, on the first start only', async () => {
    const database = tempDatabase()
    const first = run([], { PARLEY_PORT: '0', PARLEY_DATABASE: database })
    await first.listening
    const password = /password:\s+(\S+)\s+\(generated/.exec(first.output())?.[1]
    expect(password).toMatch(/^[\w-]{20}$/)
    first.child.kill('SIGTERM')
    expect((await first.exited).code).toBe(0)

    const second = run([], { PARLEY_PORT: '0', PARLEY_DATABASE: database })
    const url = await second.listening
    expect(second.output()).not.toContain(password)
    const login = await fetch(`${url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password }),
    })
    expect(login.status).toBe(200)
  })

  it('delivers a message acked just before SIGKILL after a restart on the same database', async () => {
    const database = tempDatabase()
    const first = run([], env(database))
    const url = (await first.listening).replace('http', 'ws')
    const visitor = await connect(`${url}/v1/visitor?site=shop`)
    visitor.send({ t: 'hello', v: PROTOCOL_VERSION })
    const welcome = await visitor.next(ofType('welcome'))
    visitor.send({ t: 'send', cid: 'before-crash', text: 'survives the crash' })
    const ack = await visitor.next(ofType('ack'))
    first.child.kill('SIGKILL')
    expect((await first.exited).signal).toBe('SIGKILL')
    await visitor.closed

    const second = run([], env(database))
    const again = (await second.listening).replace('http', 'ws')
    for (const cursor of [{}, { [ack.conversationId]: 0 }]) {
      const back = await connect(`${again}/v1/visitor?site=shop`)
      back.send({ t: 'hello', v: PROTOCOL_VERSION, token: welcome.token, cursor })
      expect((await back.next(ofType('welcome'))).visitorId).toBe(welcome.visitorId)
      expect(await back.next(ofType('event'))).toMatchObject({
        id: ack.id,
        seq: ack.seq,
        conversationId: ack.conversationId,
        text: 'survives the crash',
      })
      await back.close()
    }
  })

  it('closes sockets with 1001 and exits 0 on SIGTERM', async () => {
    const relay = run([], env(tempDatabase()))
    const url = (await relay.listening).replace('http', 'ws')
    const visitor = await connect(`${url}/v1/visitor?site=shop`)
    visitor.send({ t: 'hello', v: PROTOCOL_VERSION })
    await visitor.next(ofType('welcome'))
    relay.child.kill('SIGTERM')
    expect((await visitor.closed).code).toBe(1001)
    expect((await relay.exited).code).toBe(0)
  })

  it('prints a new admin password with --reset-admin-password and exits', async () => {
    const database = tempDatabase()
    const reset = run(['--reset-admin-password'], { PARLEY_DATABASE: database })
    expect((await reset.exited).code).toBe(0)
    expect(reset.output()).toMatch(/password: [\w-]{20}/)
  })
})
