/**
 * The routing scenario, run in its own process by bench/run.ts against a fresh relay.
 *
 * Makes `groups` groups of operators (each the default group of its own site, so a visitor's
 * site picks its group) with `capacity` each, brings every operator online on their own
 * socket, then lets `visitors` visitors arrive evenly over `arrival` seconds, spread over the
 * groups in turn. Each operator answers a conversation as soon as it is theirs and closes it
 * `handle-ms` later, so the queues drain. Samples the queues once a second, reads the relay's
 * routing log of every conversation at the end, and prints one JSON line (`RoutingResult`).
 */
import { parseArgs } from 'node:util'
import type { RoutingLogReply } from '@parley/protocol'
import { connectOperator } from './routing-operator.ts'
import type { Percentiles, QueueSample, RoutingResult } from './routing-report.ts'
import { call, makeTeam } from './routing-setup.ts'
import { arriveVisitor, type VisitorRecord } from './routing-visitor.ts'

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    email: { type: 'string' },
    password: { type: 'string' },
    visitors: { type: 'string', default: '1000' },
    arrival: { type: 'string', default: '10' },
    operators: { type: 'string', default: '20' },
    groups: { type: 'string', default: '4' },
    capacity: { type: 'string', default: '5' },
    'handle-ms': { type: 'string', default: '2000' },
    drain: { type: 'string', default: '60' },
  },
})
const config = {
  visitors: Number(values.visitors),
  arrivalSeconds: Number(values.arrival),
  operators: Number(values.operators),
  groups: Number(values.groups),
  capacity: Number(values.capacity),
  handleMs: Number(values['handle-ms']),
  drainSeconds: Number(values.drain),
}
const url = values.url!
const base = url.replace(/^http/, 'ws')

function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b)
  const pick = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
  return { count: sorted.length, p50: pick(0.5), p99: pick(0.99), max: sorted.at(-1) ?? Number.NaN }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>) {
  const out: R[] = []
  for (let i = 0; i < items.length; i += size) {
    out.push(...(await Promise.all(items.slice(i, i + size).map(run))))
  }
  return out
}

const setupStarted = performance.now()
const team = await makeTeam({
  url,
  adminEmail: values.email!,
  adminPassword: values.password!,
  groups: config.groups,
  operators: config.operators,
  capacity: config.capacity,
})
let t0 = performance.now()
const now = () => performance.now() - t0
/** Conversation → when the operator it was assigned to first heard, and who. */
const toldOperator = new Map<string, { at: number; operatorId: string }>()
const operators = await Promise.all(
  team.operators.map((operator) =>
    connectOperator({
      base,
      operator,
      handleMs: config.handleMs,
      now,
      onAssigned: ({ conversationId, operatorId, at }) => {
        if (!toldOperator.has(conversationId)) toldOperator.set(conversationId, { at, operatorId })
      },
    }),
  ),
)
const setupSeconds = (performance.now() - setupStarted) / 1000
// bench/run.ts samples the relay's memory from here on, past the setup's password hashing.
console.log('ready')

const records: VisitorRecord[] = Array.from({ length: config.visitors }, (_, index) => ({
  index,
  groupIndex: index % config.groups,
  position: null,
  errors: [],
}))
const visitors: { close(): void }[] = []
const settled = (r: VisitorRecord) =>
  r.closedAt !== undefined || (r.sentAt === undefined && r.errors.length > 0)

function sample(): QueueSample {
  const waiting = new Array<number>(config.groups).fill(0)
  const relayQueue = new Array<number>(config.groups).fill(0)
  let arrived = 0
  let assigned = 0
  let closed = 0
  for (const r of records) {
    if (r.sentAt === undefined) continue
    arrived += 1
    if (r.closedAt !== undefined) closed += 1
    if (r.assignedAt !== undefined) assigned += 1
    else if (r.closedAt === undefined) {
      waiting[r.groupIndex]! += 1
      relayQueue[r.groupIndex] = Math.max(relayQueue[r.groupIndex]!, r.position ?? 0)
    }
  }
  const busy = operators.reduce((n, op) => n + op.open(), 0)
  return { t: Math.round(now() / 1000), arrived, waiting, relayQueue, busy, assigned, closed }
}

t0 = performance.now()
const arrivalMs = config.arrivalSeconds * 1000
const arrivals = records.map((record) =>
  setTimeout(
    () => {
      const siteId = team.groups[record.groupIndex]!.siteId
      visitors.push(arriveVisitor({ base, siteId, record, now }))
    },
    (record.index / config.visitors) * arrivalMs,
  ),
)
const timeline: QueueSample[] = []
const sampler = setInterval(() => timeline.push(sample()), 1000)
const deadline = arrivalMs + config.drainSeconds * 1000
while (now() < deadline && !(visitors.length === records.length && records.every(settled))) {
  await sleep(50)
}
clearInterval(sampler)
for (const timer of arrivals) clearTimeout(timer)
const elapsedSeconds = now() / 1000
const last = sample()
if (timeline.at(-1)?.t !== last.t) timeline.push(last)
const drained = records.every(settled)
for (const v of visitors) v.close()
for (const op of operators) op.close()

// What the relay logged, against what the sockets were told.
const members = team.groups.map((g) => new Set(g.memberIds))
const audit: RoutingResult['audit'] = {
  conversations: 0,
  decisions: {},
  reassigned: 0,
  assignedWithoutLog: 0,
  operatorMismatch: 0,
  wrongGroup: 0,
  visitorOnly: 0,
  operatorOnly: 0,
}
const auditStarted = performance.now()
const opened = records.filter((r) => r.conversationId !== undefined)
/** Visitor → why the relay first assigned its conversation (`routed`, `drained`...). */
const firstReason = new Map<VisitorRecord, string>()
await inBatches(opened, 50, async (r) => {
  const { entries } = await call<RoutingLogReply>(
    url,
    team.adminCookie,
    'GET',
    `/v1/conversations/${r.conversationId}/routing`,
  )
  audit.conversations += 1
  for (const e of entries) {
    const key = e.reason ? `${e.type}:${e.reason}` : e.type
    audit.decisions[key] = (audit.decisions[key] ?? 0) + 1
  }
  const assigned = entries.filter((e) => e.type === 'assigned')
  if (assigned[0]) firstReason.set(r, assigned[0].reason ?? 'none')
  if (assigned.length > 1) audit.reassigned += 1
  if (assigned.some((e) => e.operatorId && !members[r.groupIndex]!.has(e.operatorId))) {
    audit.wrongGroup += 1
  }
  if (r.operatorId !== undefined) {
    if (assigned.length === 0) audit.assignedWithoutLog += 1
    else if (assigned[0]!.operatorId !== r.operatorId) audit.operatorMismatch += 1
  }
  const operatorHeard = toldOperator.has(r.conversationId!)
  if (r.operatorId !== undefined && !operatorHeard) audit.visitorOnly += 1
  if (r.operatorId === undefined && operatorHeard) audit.operatorOnly += 1
})

const auditSeconds = (performance.now() - auditStarted) / 1000

const errors: Record<string, number> = {}
const count = (key: string, n = 1) => (errors[key] = (errors[key] ?? 0) + n)
for (const r of records) for (const e of r.errors) count(`visitor ${e}`)
for (const op of operators) {
  for (const [code, n] of Object.entries(op.stats.errors)) count(`operator ${code}`, n)
}

const sent = records.filter((r) => r.sentAt !== undefined)
const latencyOf = (pick: (r: VisitorRecord) => number | undefined, of = sent) =>
  percentiles(
    of.flatMap((r) => {
      const at = pick(r)
      return at === undefined ? [] : [at - r.sentAt!]
    }),
  )
const result: RoutingResult = {
  config,
  sent: sent.length,
  assigned: sent.filter((r) => r.assignedAt !== undefined).length,
  neverAssigned: sent.filter((r) => r.assignedAt === undefined).length,
  closed: sent.filter((r) => r.closedAt !== undefined).length,
  drained,
  elapsedSeconds,
  setupSeconds,
  auditSeconds,
  visitorLatency: latencyOf((r) => r.assignedAt),
  visitorLatencyByReason: Object.fromEntries(
    [...new Set(firstReason.values())].map((reason) => [
      reason,
      latencyOf(
        (r) => r.assignedAt,
        sent.filter((r) => firstReason.get(r) === reason),
      ),
    ]),
  ),
  operatorLatency: latencyOf((r) =>
    r.conversationId === undefined ? undefined : toldOperator.get(r.conversationId)?.at,
  ),
  ackLatency: latencyOf((r) => r.ackAt),
  welcomeLatency: percentiles(sent.map((r) => r.sentAt! - r.arrivedAt!)),
  lastSentSeconds: Math.max(...sent.map((r) => r.sentAt!)) / 1000,
  timeline,
  operators: operators.map(({ stats }) => ({
    name: stats.name,
    group: stats.groupIndex,
    maxOpen: stats.maxOpen,
    assigned: stats.assigned,
  })),
  errors,
  audit,
}
console.log(JSON.stringify(result))
process.exit(0)
