import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const BIN = fileURLToPath(new URL('../../bin/parley-relay.js', import.meta.url))

const cleanups: (() => void)[] = []

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

/** Listens on 127.0.0.1, any free port, until the test ends; resolves the port. */
async function occupyPort(): Promise<number> {
  const server: Server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => server.close())
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('no address')
  return address.port
}

/** Runs the command to its exit; resolves its exit code and output. */
function runToExit(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'))
  const child = spawn(process.execPath, [BIN, ...args], {
    env: {
      ...process.env,
      PARLEY_LOG_LEVEL: 'silent',
      PARLEY_DATABASE: join(dir, 'parley.db'),
      PARLEY_ADMIN_PASSWORD: 'a long enough password',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  cleanups.push(() => {
    child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })))
}

describe('parley-relay command when it cannot listen', () => {
  it('prints one line naming a taken address and how to choose another port, and exits 2', async () => {
    const port = await occupyPort()
    const { code, stdout, stderr } = await runToExit(['--host', '127.0.0.1', '--port', `${port}`])
    expect(code).toBe(2)
    expect(stdout).not.toContain('listening')
    expect(stderr.trim().split('\n')).toHaveLength(1)
    expect(stderr).toContain(`127.0.0.1:${port}`)
    expect(stderr).toContain('--port')
    expect(stderr).toContain('PARLEY_PORT')
    expect(stderr).not.toMatch(/^\s*at /m)
    expect(stderr).not.toContain('EADDRINUSE')
  }, 20_000)

  it('prints one line naming the host when it is not an address of this machine, and exits 2', async () => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a real interface.
    const { code, stderr } = await runToExit(['--host', '192.0.2.1', '--port', '0'])
    expect(code).toBe(2)
    expect(stderr.trim().split('\n')).toHaveLength(1)
    expect(stderr).toContain('192.0.2.1:0')
    expect(stderr).toContain('--host')
    expect(stderr).toContain('PARLEY_HOST')
    expect(stderr).not.toMatch(/^\s*at /m)
  }, 20_000)
})
