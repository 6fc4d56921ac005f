/**
 * `pnpm bench [-- --scenario all|throughput|routing|webhooks]`
 *   throughput: `--visitors 1000 --operators 20 --rate 1 --duration 10`
 *   routing: `--routing-visitors 1000 --arrival 10 --routing-operators 20 --groups 4
 *             --capacity 5 --handle-ms 2000 --drain 60`
 *   webhooks: `--webhook-phases 100x10off,100x10,300x10 --webhook-duration 5`
 *
 * throughput: starts Parley's relay (SQLite in a temp dir) and, in the same run, a bare
 * `ws` relay without storage; drives both with the same load from a separate process;
 * prints messages/s, p50/p99 visitor→operator latency and peak relay RSS, and the
 * ratio. Then prints the gzipped bundle sizes.
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
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
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
    visitors: { type: 'string', default: '1000' },
    operators: { type: 'string', default: '20' },
    rate: { type: 'string', default: '1' },
    duration: { type: 'string', default: '10' },
    'routing-visitors': { type: 'string', default: '1000' },
    arrival: { type: 'string', default: '10' },
    'routing-operators': { type: 'string', default: '20' },
    groups: { type: 'string', default: '4' },
    capacity: { type: 'string', default: '5' },
    'handle-ms': { type: 'string', default: '2000' },
    drain: { type: 'string', default: '60' },
    'webhook-phases': { type: 'string', default: '100x10off,100x10,300x10' },
    'webhook-duration': { type: 'string', default: '5' },
  },
})
if (!['all', 'throughput', 'routing', 'webhooks'].includes(values.scenario)) {
  throw new Error(
    `--scenario must be all, throughput, routing or webhooks, got "${values.scenario}"`,
  )
}
const runs = (name: 'throughput' | 'routing' | 'webhooks') =>
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

async function runLoad(url: string, token: string): Promise<LoadResult> {
  const args = ['--import', 'tsx', 'bench/load.ts', '--url', url, '--token', token]
  for (const key of ['visitors', 'operators', 'rate', 'duration'] as const)
    args.push(`--${key}`, values[key]!)
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (c) => (out += c))
  const code = await new Promise((r) => child.once('exit', r))
  if (code !== 0) throw new Error(`load generator failed (${code}): ${out}`)
  return JSON.parse(out.trim().split('\n').at(-1)!)
}

async function measure(name: string, child: ChildProcess, url: string, token: string) {
  let peak = 0
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 200)
  const result = await runLoad(url, token)
  clearInterval(sampler)
  child.kill('SIGTERM')
  await new Promise((r) => child.once('exit', r))
  return { name, ...result, rssMb: peak }
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
  if (runs('routing')) await routing()
  if (runs('webhooks')) await webhooks()
} finally {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
}

async function throughput() {
  console.log(
    `bench: ${values.visitors} visitors × ${values.rate} msg/s, ${values.operators} operators, ${values.duration} s, on loopback`,
  )
  const parley = await startProcess(
    ['packages/relay/bin/parley-relay.js', '--demo'],
    relayEnv('bench.db', Number(values.visitors) + Number(values.operators)),
  )
  const token = await apiToken(parley.url, 'bench@example.com', password)
  const rows = [await measure('parley relay (SQLite)', parley.child, parley.url, token)]
  const bare = await startProcess(['--import', 'tsx', 'bench/bare-relay.ts'], {})
  rows.push(await measure('bare ws relay', bare.child, bare.url, ''))

  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a')
  console.log(
    '\nrelay                   msg/s   deliveries/s   p50 ms   p99 ms   peak RSS MB   errors',
  )
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(22)} ${f(r.messagesPerSecond).padStart(7)} ${f(r.deliveriesPerSecond).padStart(14)} ${f(r.p50, 2).padStart(8)} ${f(r.p99, 2).padStart(8)} ${f(r.rssMb).padStart(13)} ${String(r.errors).padStart(8)}`,
    )
  }
  const [p, b] = rows as [(typeof rows)[0], (typeof rows)[0]]
  console.log(
    `\nparley / bare: throughput ×${f(p.messagesPerSecond / b.messagesPerSecond, 2)}, p50 ×${f(p.p50 / b.p50, 2)}, p99 ×${f(p.p99 / b.p99, 2)}, RSS ×${f(p.rssMb / b.rssMb, 2)}`,
  )

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
  if (runs('throughput')) console.log('')
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
