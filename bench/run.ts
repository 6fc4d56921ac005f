/**
 * `pnpm bench [-- --scenario all|throughput|idle|routing|webhooks|search]`
 *   throughput: `--visitors 2000 --operators 5 --steps 500,1000,2000,4000,8000 --duration 5
 *               [--parley-before <checkout>]`
 *   idle: `--sockets 10000`
 *   routing: `--routing-visitors 1000 --arrival 10 --routing-operators 20 --groups 4
 *             --capacity 5 --handle-ms 2000 --drain 60`
 *   webhooks: `--webhook-phases 100x10off,100x10,300x10 --webhook-duration 5`
 *   search: `--search-messages 200000 --search-repeats 30`
 *   analytics: `--analytics-conversations 100000` (in process; see bench/analytics.ts)
 *
 * throughput: steps the offered rate (messages/s over all visitors); at each step it runs,
 * one after another, Parley's relay (SQLite in a temp dir), the durable floor
 * (bench/floor-relay.ts: `ws` + SQLite, one transaction per event-loop turn), a bare `ws`
 * relay without storage (bench/bare-relay.ts) and a Socket.IO relay without storage
 * (bench/socketio-relay.ts: WebSocket transport, one room broadcast to the operators), each
 * freshly started and driven by the same load from a separate process. A target that sustains less than 90 % of the offered rate
 * or whose p99 passes 500 ms has saturated and leaves the later steps. Prints per step and target: sustained msg/s,
 * visitor→operator p50/p99, relay CPU (% of a core and µs per message) and peak RSS, then
 * each target's best sustained rate and the ratios Parley / floor and Parley / Socket.IO
 * against the issue's targets (×0.7 and ×0.5). `--parley-before <dir>`
 * adds Parley run from another checkout (built), to compare two versions in one run.
 *
 * idle: RSS per idle visitor socket (hello, then silence) at `--sockets`, Parley against a
 * bare `ws` server in the same run.
 *
 * routing: starts another fresh relay and runs bench/routing.ts against it (visitors
 * arriving, operators in groups taking and closing conversations); prints assignment
 * latency, the queues over time, each operator's most conversations at once, the routing
 * log's tally, and the relay's warnings and errors.
 *
 * webhooks: starts another fresh relay and runs bench/webhooks.ts against it: a local
 * receiver verifying every signature, visitors × messages/s each (`100x10`: 1,000 events/s)
 * per phase; prints events/s offered, deliveries/s, the outbox lag p50/p99/max,
 * duplicates, bad signatures and what was left undelivered. Figures only: no thresholds.
 *
 * search: runs bench/search.ts in its own process: the same history written with and without
 * the search index (write cost per message of each and the ratio, in one run), then
 * `POST /v1/messages/search` latencies over it (first pages, a deep page, a walk to the end).
 *
 * The figures are only as quiet as the machine: compare targets of the same run.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { formatRouting, type RoutingResult } from './routing-report.ts'

const root = new URL('..', import.meta.url).pathname
// `pnpm bench -- --visitors 10` passes the `--` through; parseArgs would read the rest as positionals.
const argv = process.argv.slice(2)
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    scenario: { type: 'string', default: 'all' },
    visitors: { type: 'string', default: '2000' },
    operators: { type: 'string', default: '5' },
    steps: { type: 'string', default: '500,1000,2000,4000,8000' },
    duration: { type: 'string', default: '5' },
    'parley-before': { type: 'string' },
    /** Also Parley on PostgreSQL + Redis, one relay and two (`--postgres off`: not). */
    postgres: { type: 'string', default: 'on' },
    sockets: { type: 'string', default: '10000' },
    'routing-visitors': { type: 'string', default: '1000' },
    arrival: { type: 'string', default: '10' },
    'routing-operators': { type: 'string', default: '20' },
    groups: { type: 'string', default: '4' },
    capacity: { type: 'string', default: '5' },
    'handle-ms': { type: 'string', default: '2000' },
    drain: { type: 'string', default: '60' },
    'webhook-phases': { type: 'string', default: '100x10off,100x10,300x10' },
    'webhook-duration': { type: 'string', default: '5' },
    'search-messages': { type: 'string', default: '200000' },
    'search-repeats': { type: 'string', default: '30' },
    'analytics-conversations': { type: 'string', default: '100000' },
  },
})
const SCENARIOS = ['throughput', 'idle', 'routing', 'webhooks', 'search', 'analytics'] as const
if (values.scenario !== 'all' && !(SCENARIOS as readonly string[]).includes(values.scenario)) {
  throw new Error(
    `--scenario must be all or one of ${SCENARIOS.join(', ')}, got "${values.scenario}"`,
  )
}
const runs = (name: (typeof SCENARIOS)[number]) =>
  values.scenario === 'all' || values.scenario === name

interface LoadResult {
  messagesPerSecond: number
  deliveriesPerSecond: number
  p50: number
  p99: number
  errors: number
}

interface Started {
  child: ChildProcess
  url: string
  /** What the process wrote after it started listening (at most the first 1 MB). */
  output: () => string
}

/** Every process started, so that a failed run leaves none behind. */
const children = new Set<ChildProcess>()

function startProcess(args: string[], env: NodeJS.ProcessEnv): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.add(child)
    let out = ''
    let after = ''
    const onData = (chunk: Buffer) => {
      out += chunk
      const match = out.match(/listening (?:at|on) (http:\/\/127\.0\.0\.1:\d+)/)
      if (match) {
        child.stdout!.off('data', onData)
        const keep = (more: Buffer) => {
          if (after.length < 1_000_000) after += more
        }
        child.stdout!.on('data', keep)
        child.stderr!.on('data', keep)
        resolve({ child, url: match[1]!, output: () => after })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk) => (out += chunk))
    child.once('exit', (code) =>
      reject(new Error(`process exited (${code}) before listening:\n${out}`)),
    )
  })
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024
}

/** CPU time the process has used, in seconds (user + system). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
}
const CLOCK_TICKS = 100

/** One load run against `relay`: the load's result, the relay's CPU in the window and peak RSS. */
async function measure(
  relay: Started,
  token: string,
  rate: number,
  others: Started[] = [],
  transport: Target['transport'] = 'ws',
) {
  const args = ['--import', 'tsx', 'bench/load.ts', '--url', relay.url, '--token', token]
  args.push('--transport', transport)
  // With a second relay, the operators connect there: visitor → operator crosses relays.
  if (others[0]) args.push('--operator-url', others[0].url)
  args.push('--visitors', values.visitors, '--operators', values.operators)
  args.push('--rate', String(rate / Number(values.visitors)), '--duration', values.duration)
  const pids = [relay, ...others].map((r) => r.child.pid!)
  const rss = () => pids.reduce((sum, p) => sum + rssMb(p), 0)
  const cpuAll = () => pids.reduce((sum, p) => sum + cpuSeconds(p), 0)
  let peak = rss()
  const sampler = setInterval(() => (peak = Math.max(peak, rss())), 200)
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  let cpuFrom = 0
  let cpu = 0
  child.stdout.on('data', (c) => {
    const before = out
    out += c
    if (!before.includes('measuring\n') && out.includes('measuring\n')) cpuFrom = cpuAll()
    if (!before.includes('stopped\n') && out.includes('stopped\n')) cpu = cpuAll() - cpuFrom
  })
  const code = await new Promise((r) => child.once('exit', r))
  clearInterval(sampler)
  for (const r of [relay, ...others]) {
    r.child.kill('SIGTERM')
    await new Promise((done) => r.child.once('exit', done))
  }
  if (code !== 0) throw new Error(`load generator failed (${code}): ${out}`)
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as LoadResult
  const seconds = Number(values.duration)
  return {
    ...result,
    cpuPercent: (cpu / seconds) * 100,
    cpuMicrosPerMessage:
      result.messagesPerSecond > 0 ? (cpu / seconds / result.messagesPerSecond) * 1e6 : Number.NaN,
    rssMb: peak,
  }
}

async function apiToken(url: string, email: string, password: string): Promise<string> {
  const login = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`)
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!
  const res = await fetch(`${url}/v1/admin/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ name: 'bench' }),
  })
  if (!res.ok) throw new Error(`token failed: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { token: string }).token
}

/**
 * Runs bench/routing.ts against the relay; returns its result and the relay's RSS when the
 * scenario began (after the setup, whose password hashing takes memory of its own) and at
 * its peak from then on.
 */
async function runRouting(relay: Started, email: string, password: string) {
  const args = ['--import', 'tsx', 'bench/routing.ts', '--url', relay.url]
  args.push('--email', email, '--password', password)
  args.push('--visitors', values['routing-visitors']!, '--operators', values['routing-operators']!)
  for (const key of ['arrival', 'groups', 'capacity', 'handle-ms', 'drain'] as const)
    args.push(`--${key}`, values[key]!)
  const rss = { startMb: 0, peakMb: 0 }
  let sampler: NodeJS.Timeout | undefined
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (c) => {
    out += c
    if (sampler === undefined && out.startsWith('ready\n')) {
      rss.startMb = rss.peakMb = rssMb(relay.child.pid!)
      sampler = setInterval(() => (rss.peakMb = Math.max(rss.peakMb, rssMb(relay.child.pid!))), 200)
    }
  })
  const code = await new Promise((r) => child.once('exit', r))
  clearInterval(sampler)
  if (code !== 0) throw new Error(`routing scenario failed (${code}): ${out}`)
  return { result: JSON.parse(out.trim().split('\n').at(-1)!) as RoutingResult, rss }
}

/** The relay's log lines at warn or above (pino JSON: level 40+), or anything not JSON. */
function relayComplaints(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => {
      try {
        return (JSON.parse(line) as { level?: number }).level! >= 40
      } catch {
        return true
      }
    })
}

const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'))
const password = 'bench-password-123'
const relayEnv = (db: string, sockets: number) => ({
  PARLEY_PORT: '0',
  PARLEY_DATABASE: join(dir, db),
  PARLEY_ADMIN_EMAIL: 'bench@example.com',
  PARLEY_ADMIN_PASSWORD: password,
  PARLEY_LOG_LEVEL: 'warn',
  // Every simulated visitor connects from 127.0.0.1.
  PARLEY_MAX_CONNECTIONS_PER_ADDRESS: String(sockets + 10),
})
try {
  if (runs('throughput')) await throughput()
  if (runs('idle')) await idle()
  if (runs('routing')) await routing()
  if (runs('webhooks')) await webhooks()
  if (runs('search')) await search()
  if (runs('analytics')) {
    const { analyticsBench } = await import('./analytics.ts')
    await analyticsBench(Number(values['analytics-conversations']))
  }
} finally {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
}

interface Target {
  name: string
  /** `others`: more relays of the same deployment (their CPU and RSS are added). */
  start: (n: number) => Promise<{ relay: Started; token: string; others?: Started[] }>
  /** How the load generator talks to it (bench/load.ts `--transport`); `ws` unless said. */
  transport?: 'ws' | 'socketio'
}

/**
 * Parley on PostgreSQL and Redis, `nodes` relays (the first seeds the database; with two,
 * visitors connect to the first and operators to the second). Each step on a new database
 * of `servers`; the PostgreSQL server's own CPU is not in the relay's figures.
 */
function postgresTarget(name: string, nodes: 1 | 2, servers: () => Promise<BenchServers>): Target {
  return {
    name,
    start: async (n) => {
      const { database, redisUrl } = await servers().then((s) => s.fresh(n))
      const env = {
        ...relayEnv('unused.db', Number(values.visitors) + Number(values.operators)),
        PARLEY_DATABASE_URL: database,
        PARLEY_REDIS_URL: redisUrl,
      }
      const bin = join(root, 'packages/relay/bin/parley-relay.js')
      const relay = await startProcess([bin, '--demo'], env)
      const others = nodes === 2 ? [await startProcess([bin, '--demo'], env)] : []
      return { relay, others, token: await apiToken(relay.url, 'bench@example.com', password) }
    },
  }
}

interface BenchServers {
  fresh(n: number): Promise<{ database: string; redisUrl: string }>
  stop(): Promise<void>
}

/** One PostgreSQL (durable: fsync on, as in production) and one Redis for the whole run. */
async function benchServers(): Promise<BenchServers> {
  const { startPostgres, startRedis } = await import('../packages/relay/src/testing/services.ts')
  const postgres = await startPostgres({ durable: true })
  const redis = await startRedis()
  return {
    async fresh(n) {
      const database = await postgres.createDatabase(`bench_${n}`)
      // A Redis emptied of the last step's relays (their presence sets).
      await redis.restart()
      return { database, redisUrl: redis.url }
    },
    async stop() {
      await Promise.allSettled([postgres.stop(), redis.stop()])
    },
  }
}

function parleyTarget(name: string, checkout: string): Target {
  return {
    name,
    start: async (n) => {
      const relay = await startProcess(
        [join(checkout, 'packages/relay/bin/parley-relay.js'), '--demo'],
        relayEnv(`parley-${n}.db`, Number(values.visitors) + Number(values.operators)),
      )
      return { relay, token: await apiToken(relay.url, 'bench@example.com', password) }
    },
  }
}

function f(n: number, d = 1): string {
  return Number.isFinite(n) ? n.toFixed(d) : 'n/a'
}

async function throughput() {
  const steps = values.steps.split(',').map(Number)
  console.log(
    `load average (1 min) at the start: ${f(loadavg()[0]!, 2)} on ${availableParallelism()} cores (past that, the figures are mostly the other work's)`,
  )
  console.log(
    `throughput: ${values.visitors} visitors, ${values.operators} operators, ${values.duration} s per step, offered ${steps.join(', ')} msg/s, on loopback`,
  )
  const targets: Target[] = [parleyTarget('parley (SQLite)', root)]
  if (values['parley-before']) targets.push(parleyTarget('parley before', values['parley-before']))
  // Started on first use, so that a run without them needs neither server.
  let servers: Promise<BenchServers> | undefined
  const shared = () => (servers ??= benchServers())
  if (values.postgres !== 'off') {
    targets.push(
      postgresTarget('parley (PG+Redis, 1)', 1, shared),
      postgresTarget('parley (PG+Redis, 2)', 2, shared),
    )
  }
  targets.push(
    {
      name: 'floor (ws + SQLite)',
      start: async (n) => ({
        relay: await startProcess(['--import', 'tsx', 'bench/floor-relay.ts'], {
          FLOOR_DATABASE: join(dir, `floor-${n}.db`),
        }),
        token: '',
      }),
    },
    {
      name: 'bare ws',
      start: async () => ({
        relay: await startProcess(['--import', 'tsx', 'bench/bare-relay.ts'], {}),
        token: '',
      }),
    },
    {
      name: 'socket.io',
      transport: 'socketio',
      start: async () => ({
        relay: await startProcess(['--import', 'tsx', 'bench/socketio-relay.ts'], {}),
        token: '',
      }),
    },
  )
  type Row = Awaited<ReturnType<typeof measure>> & { target: string; offered: number }
  const rows: Row[] = []
  const saturated = new Set<string>()
  let n = 0
  console.log(
    '\ntarget                offered  sustained   p50 ms    p99 ms   CPU %  CPU µs/msg  peak RSS MB  errors',
  )
  for (const offered of steps) {
    for (const target of targets) {
      if (saturated.has(target.name)) continue
      const { relay, token, others } = await target.start(++n)
      const row = {
        target: target.name,
        offered,
        ...(await measure(relay, token, offered, others, target.transport)),
      }
      rows.push(row)
      // Kept up: 90 % of the offered rate, acked within half a second at the 99th percentile.
      if (row.messagesPerSecond < 0.9 * offered || !(row.p99 <= 500)) saturated.add(target.name)
      console.log(
        `${row.target.padEnd(20)} ${String(offered).padStart(8)} ${f(row.messagesPerSecond).padStart(10)} ${f(row.p50, 2).padStart(8)} ${f(row.p99, 2).padStart(9)} ${f(row.cpuPercent, 0).padStart(7)} ${f(row.cpuMicrosPerMessage, 0).padStart(11)} ${f(row.rssMb).padStart(12)} ${String(row.errors).padStart(7)}`,
      )
    }
  }
  await (await servers)?.stop()
  console.log(`load average (1 min) at the end: ${f(loadavg()[0]!, 2)}`)
  const keptUp = (r: Row) => r.messagesPerSecond >= 0.9 * r.offered && r.p99 <= 500
  const best = (name: string) =>
    Math.max(
      0,
      ...rows.filter((r) => r.target === name && keptUp(r)).map((r) => r.messagesPerSecond),
    )
  console.log('\nbest sustained msg/s at a step kept up with (≥ 90 % of offered, p99 ≤ 500 ms)')
  for (const target of targets) console.log(`  ${target.name.padEnd(20)} ${f(best(target.name))}`)
  const floor = 'floor (ws + SQLite)'
  for (const target of targets.filter((t) => t.name.startsWith('parley'))) {
    console.log(
      `${target.name} / floor: best sustained ×${f(best(target.name) / best(floor), 2)} (target ×0.70); / socket.io ×${f(best(target.name) / best('socket.io'), 2)} (target ×0.50)`,
    )
    for (const offered of steps) {
      const p = rows.find((r) => r.target === target.name && r.offered === offered)
      const q = rows.find((r) => r.target === floor && r.offered === offered)
      if (p && q) {
        console.log(
          `  at ${offered} msg/s: sustained ×${f(p.messagesPerSecond / q.messagesPerSecond, 2)}, p99 ×${f(p.p99 / q.p99, 1)}, CPU/msg ×${f(p.cpuMicrosPerMessage / q.cpuMicrosPerMessage, 1)}`,
        )
      }
    }
  }
  printSizes()
}

async function idle() {
  const sockets = Number(values.sockets)
  if (runs('throughput')) console.log('')
  console.log(`idle: RSS per idle visitor socket at ${sockets} sockets (hello, then silence)`)
  const run = async (name: string, relay: Started) => {
    await new Promise((r) => setTimeout(r, 1000))
    const before = rssMb(relay.child.pid!)
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/idle.ts', '--url', relay.url, '--sockets', String(sockets)],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c) => {
        out += c
        if (out.includes('open ')) resolve()
      })
      child.once('exit', (code) => reject(new Error(`idle sockets exited (${code}): ${out}`)))
    })
    // Let the relay settle (allocations of the connects freed, timers armed).
    await new Promise((r) => setTimeout(r, 3000))
    const after = rssMb(relay.child.pid!)
    child.kill('SIGTERM')
    relay.child.kill('SIGTERM')
    await new Promise((r) => relay.child.once('exit', r))
    const kb = ((after - before) * 1024) / sockets
    console.log(`  ${name.padEnd(20)} RSS ${f(before)} → ${f(after)} MB: ${f(kb, 2)} KB per socket`)
    return kb
  }
  const parley = await run(
    'parley',
    await startProcess(
      ['packages/relay/bin/parley-relay.js', '--demo'],
      relayEnv('idle.db', sockets + 10),
    ),
  )
  let before: number | undefined
  if (values['parley-before']) {
    before = await run(
      'parley before',
      await startProcess(
        [join(values['parley-before'], 'packages/relay/bin/parley-relay.js'), '--demo'],
        relayEnv('idle-before.db', sockets + 10),
      ),
    )
  }
  const bare = await run(
    'bare ws',
    await startProcess(['--import', 'tsx', 'bench/bare-relay.ts'], {}),
  )
  console.log(
    `  parley / bare ws: ×${f(parley / bare, 2)}${before ? `; before ×${f(before / bare, 2)}` : ''}`,
  )
}

async function printSizes() {
  if (existsSync(join(root, 'packages/widget/dist/loader.js'))) {
    const { measure: sizes, BUDGETS } = await import('../scripts/size.ts')
    const s = sizes()
    console.log('\nbundle (gzip)     size      budget')
    for (const key of Object.keys(BUDGETS) as (keyof typeof BUDGETS)[]) {
      console.log(
        `${key.padEnd(15)} ${(s[key] / 1024).toFixed(2).padStart(7)} KB ${(BUDGETS[key] / 1024).toFixed(0).padStart(6)} KB`,
      )
    }
  } else {
    console.log('\n(bundle sizes: run `pnpm build` first)')
  }
}

async function routing() {
  if (runs('throughput') || runs('idle')) console.log('')
  // Not --demo: the demo allows two seats, and the scenario makes its own sites.
  const relay = await startProcess(
    ['packages/relay/bin/parley-relay.js'],
    relayEnv(
      'routing.db',
      Number(values['routing-visitors']) + Number(values['routing-operators']),
    ),
  )
  const { result, rss } = await runRouting(relay, 'bench@example.com', password)
  relay.child.kill('SIGTERM')
  await new Promise((r) => relay.child.once('exit', r))
  for (const line of formatRouting(result, rss)) console.log(line)
  const complaints = relayComplaints(relay.output())
  console.log(`relay log at warn or above: ${complaints.length} lines`)
  for (const line of complaints.slice(0, 10)) console.log(`  ${line.slice(0, 400)}`)
}

async function webhooks() {
  if (runs('throughput') || runs('routing')) console.log('')
  const phases = values['webhook-phases']!.split(',')
  const sockets = Math.max(...phases.map((p) => Number(p.split('x')[0])))
  const relay = await startProcess(['packages/relay/bin/parley-relay.js'], {
    ...relayEnv('webhooks.db', sockets),
    PARLEY_SITES: 'bench',
    PARLEY_WEBHOOKS_ALLOW_PRIVATE: '127.0.0.1',
  })
  const args = ['--import', 'tsx', 'bench/webhooks.ts', '--url', relay.url]
  args.push('--email', 'bench@example.com', '--password', password)
  args.push('--phases', values['webhook-phases']!, '--duration', values['webhook-duration']!)
  let peak = 0
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(relay.child.pid!))), 200)
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (c) => (out += c))
  const code = await new Promise((r) => child.once('exit', r))
  clearInterval(sampler)
  relay.child.kill('SIGTERM')
  await new Promise((r) => relay.child.once('exit', r))
  if (code !== 0) throw new Error(`webhooks scenario failed (${code}): ${out}`)
  const { phases: results } = JSON.parse(out.trim().split('\n').at(-1)!) as {
    phases: (import('./webhooks.ts').PhaseResult & { endpoint: boolean })[]
  }
  console.log(
    `webhooks: message.created to a local receiver verifying signatures, ${values['webhook-duration']} s per phase`,
  )
  console.log(
    '\nendpoint  visitors  offered ev/s  stored/s  delivered/s (sending)  delivered/s (to last)  lag p50 ms  lag p99 ms  lag max ms  dupes  bad sig  undelivered',
  )
  for (const r of results) {
    console.log(
      `${(r.endpoint ? 'on' : 'off').padEnd(8)} ${String(r.visitors).padStart(9)} ${String(r.offeredPerSecond).padStart(13)} ${String(r.ackedPerSecondWhileSending).padStart(9)} ${String(r.deliveredPerSecondWhileSending).padStart(22)} ${String(r.deliveredPerSecondToLast).padStart(22)} ${String(r.lagMs.p50).padStart(11)} ${String(r.lagMs.p99).padStart(11)} ${String(r.lagMs.max).padStart(11)} ${String(r.duplicates).padStart(6)} ${String(r.badSignatures).padStart(8)} ${String(r.undelivered).padStart(12)}`,
    )
  }
  console.log(`relay peak RSS: ${peak.toFixed(1)} MB`)
  const complaints = relayComplaints(relay.output())
  console.log(`relay log at warn or above: ${complaints.length} lines`)
  for (const line of complaints.slice(0, 10)) console.log(`  ${line.slice(0, 400)}`)
}

async function search() {
  if (values.scenario === 'all') console.log('')
  // The relay from its sources (the `source` export condition), as the tests run it.
  const args = ['--conditions', 'source', '--import', 'tsx', 'bench/search.ts']
  args.push('--messages', values['search-messages']!, '--repeats', values['search-repeats']!)
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const code = await new Promise((r) => child.once('exit', r))
  if (code !== 0) throw new Error(`search scenario failed (${code})`)
}
