import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

/**
 * Throwaway PostgreSQL and Redis servers for tests and the benchmark: each in a temporary
 * directory, on a free port of 127.0.0.1, stopped and deleted afterwards. Debian's packages
 * (`postgresql`, `redis-server`) provide the binaries; `scripts/test-all.sh` installs them.
 */

/** Where the binaries are looked for (read at each start, so a test can point elsewhere). */
const pgBin = () => process.env.PARLEY_PG_BIN ?? '/usr/lib/postgresql/15/bin'
const redisServer = () => process.env.PARLEY_REDIS_SERVER ?? 'redis-server'

export const postgresMissing =
  () => `PostgreSQL's server binaries are not in ${pgBin()} (initdb, pg_ctl).
  Install them (Debian/Ubuntu: sudo apt-get install postgresql), or point PARLEY_PG_BIN at
  the folder that holds initdb and pg_ctl; scripts/test-all.sh installs them when run as root.`

export const redisMissing = () => `${redisServer()} is not installed.
  Install it (Debian/Ubuntu: sudo apt-get install redis-server), or point PARLEY_REDIS_SERVER
  at the binary; scripts/test-all.sh installs it when run as root.`

/** A port nobody listens on now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export interface PostgresServer {
  /** `postgres://…/postgres`: the maintenance database, to create others in. */
  url: string
  port: number
  /** A URL of database `name` on this server. */
  urlOf(name: string): string
  /** Creates database `name` (empty); returns its URL. */
  createDatabase(name: string): Promise<string>
  stop(): Promise<void>
}

/** Whether the PostgreSQL server binaries are installed. */
export function hasPostgres(): boolean {
  return existsSync(join(pgBin(), 'initdb')) && existsSync(join(pgBin(), 'pg_ctl'))
}

function onPath(binary: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Whether `redis-server` is installed. */
export function hasRedis(): boolean {
  const binary = redisServer()
  return binary.includes('/') ? existsSync(binary) : onPath(binary)
}

/**
 * Starts a PostgreSQL cluster made for tests: no fsync unless `durable` (a crash of the
 * machine may lose it, which a throwaway cluster may), C collation (text sorts bytewise, as SQLite does). The
 * server refuses to run as root; as root it runs as the `postgres` user Debian's package
 * creates, in a directory that user owns.
 */
export async function startPostgres({ durable = false } = {}): Promise<PostgresServer> {
  if (!hasPostgres()) throw new Error(postgresMissing())
  const PG_BIN = pgBin()
  stopAbandoned(PG_BIN)
  const dir = mkdtempSync(join(tmpdir(), 'parley-pg-'))
  // Who started it: a later start stops it if that process died without stopping it.
  writeFileSync(join(dir, 'owner'), String(process.pid))
  const asRoot = process.getuid?.() === 0
  const run = (binary: string, args: string[]) => {
    const command = asRoot ? 'runuser' : join(PG_BIN, binary)
    const argv = asRoot ? ['-u', 'postgres', '--', join(PG_BIN, binary), ...args] : args
    execFileSync(command, argv, { stdio: ['ignore', 'ignore', 'pipe'] })
  }
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
    chownSync(dir, uid, gid)
  }
  const data = join(dir, 'data')
  run('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ])
  const port = await freePort()
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    // The benchmark's server syncs as production does; the tests' need not.
    ...(durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    '-c max_connections=300',
    '-c shared_buffers=32MB',
  ].join(' ')
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', 'start'])
  const urlOf = (name: string) => `postgres://postgres@127.0.0.1:${port}/${name}`
  return {
    url: urlOf('postgres'),
    port,
    urlOf,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: urlOf('postgres') })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE ${name}`)
      } finally {
        await client.end()
      }
      return urlOf(name)
    },
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

/**
 * Stops the clusters of test runs that were killed before they could stop them (pg_ctl
 * runs the server detached, so it outlives the process that started it).
 */
function stopAbandoned(bin: string): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('parley-pg-')) continue
    const dir = join(tmpdir(), name)
    let owner: number
    try {
      owner = Number(readFileSync(join(dir, 'owner'), 'utf8'))
    } catch {
      continue
    }
    try {
      process.kill(owner, 0)
      continue
    } catch {
      // Its owner is gone.
    }
    try {
      const stop = [join(bin, 'pg_ctl'), '-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']
      if (process.getuid?.() === 0)
        execFileSync('runuser', ['-u', 'postgres', '--', ...stop], { stdio: 'ignore' })
      else execFileSync(stop[0]!, stop.slice(1), { stdio: 'ignore' })
    } catch {
      // Not running.
    }
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface RedisServer {
  url: string
  port: number
  /** Kills the server (SIGKILL) and starts it again on the same port, empty. */
  restart(): Promise<void>
  stop(): Promise<void>
}

/** Starts a redis-server that keeps nothing on disk. */
export async function startRedis(): Promise<RedisServer> {
  if (!hasRedis()) throw new Error(redisMissing())
  const REDIS_SERVER = redisServer()
  const dir = mkdtempSync(join(tmpdir(), 'parley-redis-'))
  const port = await freePort()
  let child: ChildProcess | undefined
  const start = async () => {
    const started = spawn(
      REDIS_SERVER,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    child = started
    await new Promise<void>((resolve, reject) => {
      let output = ''
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('Ready to accept connections')) {
          started.stdout?.off('data', onData)
          started.stdout?.resume()
          resolve()
        }
      }
      started.stdout?.on('data', onData)
      started.stderr?.resume()
      started.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)))
    })
  }
  const kill = async () => {
    const running = child
    child = undefined
    if (!running || running.exitCode !== null) return
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve())
      running.kill('SIGKILL')
    })
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart() {
      await kill()
      await start()
    },
    async stop() {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
