/**
 * The routing scenario's result (the JSON line bench/routing.ts prints) and its text for
 * `pnpm bench`. Figures only: nothing here passes or fails.
 */

export interface Percentiles {
  count: number
  p50: number
  p99: number
  max: number
}

/** Once a second, on the scenario's clock (0: the first visitor's arrival). */
export interface QueueSample {
  t: number
  /** Visitors who have sent their first message. */
  arrived: number
  /** Per group: sent, and not yet told of an operator. */
  waiting: number[]
  /** Per group: the furthest place in line the relay last told a waiting visitor. */
  relayQueue: number[]
  /** Conversations the operators hold, by their frames. */
  busy: number
  assigned: number
  closed: number
}

export interface RoutingResult {
  config: {
    visitors: number
    arrivalSeconds: number
    operators: number
    groups: number
    capacity: number
    handleMs: number
    drainSeconds: number
  }
  sent: number
  assigned: number
  neverAssigned: number
  closed: number
  /** Whether every visitor was served and closed before the drain deadline. */
  drained: boolean
  elapsedSeconds: number
  /** Making the team (passwords are hashed with the relay's full scrypt cost) and connecting it. */
  setupSeconds: number
  /** Reading the routing log of every conversation. */
  auditSeconds: number
  /** Visitor send → the visitor's first `conversation` frame naming an operator. */
  visitorLatency: Percentiles
  /** The same, by why the relay first assigned it (the routing log's reason). */
  visitorLatencyByReason: Record<string, Percentiles>
  /** Visitor send → the assigned operator's first `conversation` frame saying it is theirs. */
  operatorLatency: Percentiles
  /** Visitor send → its ack. */
  ackLatency: Percentiles
  /** Visitor socket opened → the relay's welcome (when it sends its message). */
  welcomeLatency: Percentiles
  /** When the last visitor sent its message: later than the arrival window when welcomes lag. */
  lastSentSeconds: number
  timeline: QueueSample[]
  operators: { name: string; group: number; maxOpen: number; assigned: number }[]
  errors: Record<string, number>
  /** The relay's routing log of every conversation, against what the sockets were told. */
  audit: {
    conversations: number
    decisions: Record<string, number>
    /** More than one `assigned` entry. */
    reassigned: number
    /** The visitor was told of an operator; the log has no `assigned` entry. */
    assignedWithoutLog: number
    /** The visitor's operator is not the first `assigned` one in the log. */
    operatorMismatch: number
    /** Assigned to someone who is not a member of the visitor's group. */
    wrongGroup: number
    /** The visitor was told of an operator, the operator never was. */
    visitorOnly: number
    /** The operator was told, the visitor never was. */
    operatorOnly: number
  }
}

/** The routing log's reasons for a first assignment, as the table says them. */
const REASONS: Record<string, string> = {
  routed: 'at once',
  drained: 'from queue',
}

const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a')
const pad = (s: string | number, n: number) => String(s).padStart(n)

/** The scenario as lines of text. */
export function formatRouting(
  r: RoutingResult,
  rss: { startMb: number; peakMb: number },
): string[] {
  const c = r.config
  const lines = [
    `routing: ${c.visitors} visitors arriving over ${c.arrivalSeconds} s, ${c.operators} operators in ${c.groups} groups (capacity ${c.capacity}), each conversation answered at once and closed after ${c.handleMs} ms`,
    '',
    `assigned ${r.assigned} of ${r.sent} sent, never assigned ${r.neverAssigned}, closed ${r.closed}; ${r.drained ? 'drained' : `NOT drained within ${c.drainSeconds} s after the last arrival`} in ${f(r.elapsedSeconds, 1)} s; relay RSS ${f(rss.startMb, 1)} MB at the start, ${f(rss.peakMb, 1)} MB at the peak`,
    `last visitor sent at ${f(r.lastSentSeconds, 1)} s (setup ${f(r.setupSeconds, 1)} s, routing log read in ${f(r.auditSeconds, 1)} s)`,
    '',
    'assignment latency        count   p50 ms   p99 ms   max ms',
  ]
  const row = (name: string, p: Percentiles) =>
    `${name.padEnd(24)} ${pad(p.count, 6)} ${pad(f(p.p50), 8)} ${pad(f(p.p99), 8)} ${pad(f(p.max), 8)}`
  lines.push(row('send → visitor told', r.visitorLatency))
  for (const [reason, p] of Object.entries(r.visitorLatencyByReason)) {
    lines.push(row(`  of which ${REASONS[reason] ?? reason}`, p))
  }
  lines.push(row('send → operator told', r.operatorLatency))
  lines.push(row('(send → ack)', r.ackLatency))
  lines.push(row('(connect → welcome)', r.welcomeLatency))

  const groups = Array.from({ length: c.groups }, (_, g) => `g${g + 1}`)
  lines.push(
    '',
    'queue over time: waiting per group (furthest place the relay told), busy = conversations operators hold',
    `   t s  arrived  waiting  ${groups.map((g) => g.padStart(10)).join('')}    busy  assigned  closed`,
  )
  for (const s of r.timeline) {
    const waiting = s.waiting.reduce((a, b) => a + b, 0)
    const per = s.waiting.map((w, g) => `${w} (${s.relayQueue[g]})`.padStart(10)).join('')
    lines.push(
      `${pad(s.t, 6)} ${pad(s.arrived, 8)} ${pad(waiting, 8)}  ${per} ${pad(s.busy, 7)} ${pad(s.assigned, 9)} ${pad(s.closed, 7)}`,
    )
  }

  const most = Math.max(...r.operators.map((o) => o.maxOpen))
  lines.push(
    '',
    `most conversations held at once per operator (capacity ${c.capacity}; highest ${most}), and assigned in all:`,
  )
  for (let g = 0; g < c.groups; g++) {
    const ops = r.operators.filter((o) => o.group === g)
    lines.push(`  g${g + 1}: ${ops.map((o) => `${o.name} ${o.maxOpen}/${o.assigned}`).join('  ')}`)
  }

  const a = r.audit
  const decisions = Object.entries(a.decisions)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')
  lines.push(
    '',
    `routing log of ${a.conversations} conversations: ${decisions || 'none'}`,
    `  reassigned ${a.reassigned}, told without a logged assignment ${a.assignedWithoutLog}, operator differs from the log ${a.operatorMismatch}, outside the visitor's group ${a.wrongGroup}, told only the visitor ${a.visitorOnly}, only the operator ${a.operatorOnly}`,
  )
  const errors = Object.entries(r.errors)
  lines.push(
    `errors: ${errors.length === 0 ? 'none' : errors.map(([k, n]) => `${k} ×${n}`).join(', ')}`,
  )
  return lines
}
