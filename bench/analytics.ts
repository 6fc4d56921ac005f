/**
 * The analytics benchmark (`pnpm bench -- --scenario analytics --analytics-conversations 100000`):
 * writes a history of chats straight into a fresh SQLite database (the tables and row shapes
 * the relay writes: conversations, events, routing_log, engagements, the status log), then
 * times what the dashboard asks: the first refresh of the per-chat facts, a refresh with
 * nothing and with a few chats changed (facts and daily rollups), and each report query (p50/p99
 * over repeated runs, 30 and 90 days), read from the facts only (before the rollups) and from the
 * rollups (after), in the same run. Prints one line per query, and the load average.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SqliteDatabase } from '../packages/relay/src/infra/db/sqlite.ts'
import type { ReportSource } from '../packages/relay/src/modules/analytics/rollups.ts'
import type { MetricsFilter } from '../packages/relay/src/modules/analytics/store.ts'
import { createSqliteStores } from '../packages/relay/src/stores.ts'

const DAY = 86_400_000
const OPERATORS = Array.from({ length: 20 }, (_, i) => `op${i}`)
const GROUPS = ['g_sales', 'g_support', 'g_vip', 'g_delivery']

function prng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** Writes `n` chats over `days` days ending at `now`; returns the events written. */
function writeHistory(db: SqliteDatabase, n: number, days: number, now: number): number {
  const raw = db.raw
  const rnd = prng(7)
  const exp = (mean: number) => Math.round(-Math.log(1 - rnd()) * mean)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!
  raw.exec(`INSERT OR IGNORE INTO sites (id, name, settings, config_version, updated_at)
    VALUES ('bench', 'Bench', '{}', 'v1', 0)`)
  const conv = raw.prepare(`INSERT INTO conversations (id, site_id, visitor_id, status, last_seq,
    operator_id, kind, rating, routing_group, page, created_at, updated_at)
    VALUES (?, 'bench', ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)`)
  const event = raw.prepare(`INSERT INTO events (id, conversation_id, seq, kind, author_kind,
    author_id, author_key, text, data, at) VALUES (?, ?, ?, ?, ?, ?, ?, 'x', ?, ?)`)
  const log =
    raw.prepare(`INSERT INTO routing_log (conversation_id, type, group_id, operator_id, at)
    VALUES (?, ?, ?, ?, ?)`)
  const engage = raw.prepare(`INSERT INTO engagements (id, site_id, visitor_id, scenario_id, event,
    at, kind, conversation_id) VALUES (?, 'bench', ?, ?, ?, ?, ?, ?)`)
  const status = raw.prepare(
    'INSERT INTO operator_status_log (operator_id, status, at) VALUES (?, ?, ?)',
  )
  let events = 0
  const start = now - days * DAY
  const write = raw.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = `c${i}`
      const visitor = `v${i}`
      let at = start + Math.floor((i / n) * days * DAY) + Math.floor(rnd() * 60_000)
      const created = at
      const group = pick(GROUPS)
      const op = pick(OPERATORS)
      const missed = rnd() < 0.07
      let seq = 0
      const say = (who: 'visitor' | 'operator', when: number) => {
        seq++
        events++
        event.run(
          `${id}e${seq}`,
          id,
          seq,
          'message',
          who,
          who === 'visitor' ? visitor : op,
          who === 'visitor' ? `visitor:bench:${visitor}` : `operator:${op}`,
          null,
          when,
        )
      }
      say('visitor', at)
      log.run(id, 'queued', group, null, at)
      if (rnd() < 0.2) {
        engage.run(`${id}i`, visitor, 'sc1', 'impression', at - 20_000, null, null)
        engage.run(`${id}k`, visitor, 'sc1', 'conversion', at, 'chat', id)
      }
      if (!missed) {
        at += exp(25_000)
        log.run(id, 'assigned', group, op, at)
        const exchanges = 1 + Math.floor(rnd() * 4)
        for (let k = 0; k < exchanges; k++) {
          at += 3_000 + exp(40_000)
          say('operator', at)
          at += 10_000 + exp(50_000)
          say('visitor', at)
        }
        at += 3_000 + exp(40_000)
        say('operator', at)
      }
      at += 20_000 + exp(90_000)
      const open = at > now
      if (!open) {
        seq++
        events++
        event.run(
          `${id}x`,
          id,
          seq,
          'system',
          'system',
          null,
          `operator:${op}`,
          JSON.stringify({ type: 'closed', operatorId: op, operator: op }),
          at,
        )
      }
      const rating = !open && rnd() < 0.35 ? 1 + Math.floor(rnd() * 5) : null
      conv.run(
        id,
        visitor,
        open ? 'open' : 'closed',
        seq,
        'chat',
        rating,
        group,
        `https://bench.example/p${i % 50}`,
        created,
        Math.min(at, now),
      )
    }
  })
  // Each chat's row is written after its events (its last seq and status known by then).
  raw.pragma('foreign_keys = OFF')
  for (let i = 0; i < n; i += 5_000) write(i, Math.min(n, i + 5_000))
  raw.pragma('foreign_keys = ON')
  raw.transaction(() => {
    for (let d = 0; d < days; d++) {
      for (const op of OPERATORS) {
        const day = start + d * DAY
        status.run(op, 'online', day + 6 * 3_600_000)
        status.run(op, 'pause', day + 10 * 3_600_000)
        status.run(op, 'online', day + 11 * 3_600_000)
        status.run(op, 'offline', day + 15 * 3_600_000)
      }
    }
  })()
  return events
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

async function time(runs: number, work: () => Promise<unknown>) {
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await work()
    ms.push(performance.now() - t)
  }
  ms.sort((a, b) => a - b)
  return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) }
}

export async function analyticsBench(conversations: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-analytics-bench-'))
  try {
    const stores = createSqliteStores(join(dir, 'analytics.db'))
    const db = stores.db as SqliteDatabase
    const days = 90
    const now = Date.UTC(2026, 11, 1)
    let t = performance.now()
    const events = writeHistory(db, conversations, days, now)
    console.log(
      `analytics: ${conversations} chats, ${events} events, ${days} days, ${OPERATORS.length} operators (written in ${Math.round(performance.now() - t)} ms)`,
    )
    const refresh = (at: number) =>
      stores.db.transaction((tx) =>
        stores.analytics.refresh(tx, at, [], new Map([['bench', 'UTC']])),
      )
    t = performance.now()
    const first = await refresh(now)
    console.log(
      `  first refresh (facts and rollups):   ${Math.round(performance.now() - t)} ms for ${first} chats`,
    )
    const idle = await time(20, () => refresh(now))
    console.log(
      `  refresh, nothing changed:           p50 ${idle.p50.toFixed(1)} ms  p99 ${idle.p99.toFixed(1)} ms`,
    )
    // A hundred chats answered since the last refresh: of the last day (what changes at work:
    // one site-day's rollups rebuilt), or anywhere in the 90 days (up to every day's).
    const touch = db.raw.prepare('UPDATE conversations SET updated_at = ? WHERE id = ?')
    let clock = now
    for (const [label, window] of [
      ['of the last day', Math.round(conversations / days)],
      ['anywhere in 90 days', conversations],
    ] as const) {
      const busy = await time(10, async () => {
        clock += 600_000
        const at = clock
        db.raw.transaction(() => {
          for (let i = 0; i < 100; i++) {
            touch.run(at, `c${conversations - 1 - Math.floor(Math.random() * window)}`)
          }
        })()
        // Past the margin: the next refresh works out only the chats changed since this one.
        await refresh(at + 120_000)
      })
      console.log(
        `  refresh, 100 chats ${label.padEnd(20)} p50 ${busy.p50.toFixed(1)} ms  p99 ${busy.p99.toFixed(1)} ms`,
      )
    }

    for (const span of [30, 90]) {
      const filter: MetricsFilter = {
        fromAt: now - span * DAY,
        toAt: now,
        siteId: 'bench',
        groupIds: null,
        operatorId: null,
        botIds: [],
        now,
      }
      const dayStarts = Array.from({ length: span }, (_, i) => filter.fromAt + i * DAY)
      const { analytics } = stores
      const queries: [string, (source: ReportSource) => Promise<unknown>][] = [
        ['metrics by operator', (s) => analytics.metrics(filter, 'operator', [], s)],
        ['metrics by group', (s) => analytics.metrics(filter, 'group', [], s)],
        ['metrics by day', (s) => analytics.metrics(filter, 'day', dayStarts, s)],
        ['metrics by channel', (s) => analytics.metrics(filter, 'channel', [], s)],
        [
          'metrics, a supervisor (2 groups)',
          (s) => analytics.metrics({ ...filter, groupIds: GROUPS.slice(0, 2) }, 'operator', [], s),
        ],
        [
          'metrics, one operator by day',
          (s) => analytics.metrics({ ...filter, operatorId: 'op3' }, 'day', dayStarts, s),
        ],
        ['time online / on pause', () => analytics.statusTime(filter, null)],
        ['channels by channel', (s) => analytics.channels(filter, 'channel', s)],
        ['channels by scenario', (s) => analytics.channels(filter, 'scenario', s)],
        ['channels by page', (s) => analytics.channels(filter, 'page', s)],
        ['channels by source', (s) => analytics.channels(filter, 'source', s)],
        ['metrics by scenario', (s) => analytics.metrics(filter, 'scenario', [], s)],
        ['metrics by page', (s) => analytics.metrics(filter, 'page', [], s)],
        ['metrics by source', (s) => analytics.metrics(filter, 'source', [], s)],
      ]
      const ms = (n: number) => n.toFixed(1).padStart(7)
      for (const [name, run] of queries) {
        const before = await time(span === 90 ? 10 : 5, () => run('facts'))
        const after = await time(20, () => run('rollups'))
        console.log(
          `  ${span} days  ${name.padEnd(34)} facts p50 ${ms(before.p50)} p99 ${ms(before.p99)} ms  rollups p50 ${ms(after.p50)} p99 ${ms(after.p99)} ms`,
        )
      }
      console.log(
        `  load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
      )
    }
    await stores.db.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
