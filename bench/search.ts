/**
 * The search scenario, run in its own process by bench/run.ts (`pnpm bench -- --scenario
 * search [--search-messages 200000]`).
 *
 * Writes the same synthetic history (Russian and English words, Zipf-distributed, 10
 * messages per conversation, four routing groups) into two SQLite files: one migrated with
 * the search index (015) and one without it. Each message is one transaction through the
 * conversation store, asked for in waves of 256 so group commit batches them as it does under
 * load; the two files take their waves in turn, so both see the same machine. Prints the
 * write cost per message of each and their ratio, and the file sizes.
 *
 * Then it builds the relay over the indexed file and times `POST /v1/messages/search`
 * (through `inject`, so routing, the scope, snippets and serialisation are in it) for a
 * set of queries as the admin and as an operator of one group: p50/p99 of the first page,
 * a page deep in a common word's results, and walking a mid-frequency word to its end.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { buildServer } from '../packages/relay/src/app.ts'
import { RELAY_PACKAGE_DIR } from '../packages/relay/src/config/paths.ts'
import { SqliteDatabase } from '../packages/relay/src/infra/db/sqlite.ts'
import { SqliteConversationStore } from '../packages/relay/src/modules/conversations/sqlite.ts'
import type { AppendInput } from '../packages/relay/src/modules/conversations/store.ts'
import { SqliteSearchStore } from '../packages/relay/src/modules/search/sqlite.ts'
import { createSqliteStores } from '../packages/relay/src/stores.ts'

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '200000' },
    repeats: { type: 'string', default: '30' },
  },
})
const total = Number(values.messages)
const repeats = Number(values.repeats)
const PER_CONVERSATION = 10
const WAVE = 256
const GROUPS = 4

// Deterministic: the same history on every run (mulberry32).
let seed = 42
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const COMMON = [
  'заказ',
  'доставка',
  'здравствуйте',
  'спасибо',
  'когда',
  'где',
  'мой',
  'номер',
  'оплата',
  'вопрос',
  'товар',
  'размер',
  'цена',
  'скидка',
  'возврат',
  'курьер',
  'адрес',
  'телефон',
  'order',
  'delivery',
  'hello',
  'thanks',
  'when',
  'where',
  'my',
  'number',
  'payment',
  'question',
  'item',
  'size',
  'price',
  'discount',
  'refund',
  'courier',
  'address',
  'phone',
  'и',
  'в',
  'не',
  'на',
  'я',
  'что',
  'the',
  'a',
  'is',
  'to',
  'of',
  'for',
  'it',
  'please',
]
const SYLLABLES_RU = ['ка', 'ло', 'ми', 'ра', 'то', 'не', 'су', 'ве', 'да', 'ри', 'ко', 'па']
const SYLLABLES_EN = ['ka', 'lo', 'mi', 'ra', 'to', 'ne', 'su', 've', 'da', 'ri', 'ko', 'pa']
/** A tail of made-up words, so the vocabulary has the long tail a real one has. */
const VOCABULARY = [...COMMON]
while (VOCABULARY.length < 30_000) {
  const syllables = random() < 0.5 ? SYLLABLES_RU : SYLLABLES_EN
  const n = 2 + Math.floor(random() * 3)
  let word = ''
  for (let i = 0; i < n; i++) word += syllables[Math.floor(random() * syllables.length)]
  VOCABULARY.push(word)
}
// Zipf (s = 1): the word at rank r is drawn with probability ∝ 1 / r.
const cdf: number[] = []
let sum = 0
for (let r = 1; r <= VOCABULARY.length; r++) {
  sum += 1 / r
  cdf.push(sum)
}
function word(): string {
  const x = random() * sum
  let lo = 0
  let hi = cdf.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (cdf[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return VOCABULARY[lo]!
}
function text(): string {
  const n = 3 + Math.floor(random() * 18)
  const words: string[] = []
  for (let i = 0; i < n; i++) words.push(word())
  if (random() < 0.05) words.push(`+7 916 ${100 + Math.floor(random() * 900)}-45-67`)
  const first = words[0]!
  words[0] = first.charAt(0).toUpperCase() + first.slice(1)
  return `${words.join(' ')}${random() < 0.3 ? '?' : '.'}`
}

const START = Date.UTC(2025, 0, 1)
/** The i-th message of the history, the same for both files. */
function message(i: number): AppendInput {
  const c = Math.floor(i / PER_CONVERSATION)
  const visitorId = `v${c}`
  const first = i % PER_CONVERSATION === 0
  const visitor = i % 2 === 0
  return {
    id: `e${i}`,
    cid: `m${i}`,
    authorKey: visitor ? `visitor:bench:${visitorId}` : `operator:bench-op`,
    author: visitor
      ? { kind: 'visitor', id: visitorId }
      : { kind: 'operator', id: 'op', name: 'Op' },
    kind: 'message',
    text: text(),
    // A message a minute: 200,000 messages cover about five months.
    at: START + i * 60_000,
    target: first
      ? { create: { siteId: 'bench', visitorId, kind: 'chat' } }
      : { conversationId: `c${c}` },
    newConversationId: `c${c}`,
    ...(first && { opening: { group: `g${c % GROUPS}` } }),
    // History is mostly closed conversations; the last 1 % are still open.
    ...(i % PER_CONVERSATION === PER_CONVERSATION - 1 && i < total * 0.99 && { close: true }),
  }
}

const dir = mkdtempSync(join(tmpdir(), 'parley-bench-search-'))
const withoutIndex = join(dir, 'migrations-014')
mkdirSync(withoutIndex)
const migrations = join(RELAY_PACKAGE_DIR, 'migrations')
for (const file of readdirSync(migrations).filter((f) => f < '015')) {
  copyFileSync(join(migrations, file), join(withoutIndex, file))
}

const SITE_ROW = `INSERT INTO sites (id, name, settings, config_version, updated_at)
  VALUES ('bench', 'Bench', '{}', 'v1', 1)`

interface Side {
  name: string
  path: string
  db: SqliteDatabase
  store: SqliteConversationStore
  ms: number
  cpuUs: number
}

function side(name: string, migrationsDir?: string): Side {
  const path = join(dir, `${name}.db`)
  const db = new SqliteDatabase(path, migrationsDir)
  // The indexed file has its site from the relay that made the team.
  db.raw.exec(SITE_ROW.replace('INSERT', 'INSERT OR IGNORE'))
  // With 015, the search store indexes each batch's events before its COMMIT, as in the relay.
  if (!migrationsDir) new SqliteSearchStore(db)
  return { name, path, db, store: new SqliteConversationStore(db), ms: 0, cpuUs: 0 }
}

async function wave(s: Side, inputs: AppendInput[]): Promise<void> {
  const cpu = process.cpuUsage()
  const started = performance.now()
  await Promise.all(inputs.map((input) => s.db.transaction((tx) => s.store.append(tx, input))))
  s.ms += performance.now() - started
  const used = process.cpuUsage(cpu)
  s.cpuUs += used.user + used.system
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!
}

const fileMb = (path: string) => {
  let bytes = statSync(path).size
  try {
    bytes += statSync(`${path}-wal`).size
  } catch {}
  return (bytes / 1024 / 1024).toFixed(1)
}

const password = 'bench search password'
const indexedPath = join(dir, 'with-index.db')
/** The relay over the indexed file (the one with the search index). */
async function relayOver() {
  const app = await buildServer(
    {
      databasePath: indexedPath,
      admin: { email: 'bench@example.com', password },
      passwordCost: 2 ** 12,
      sites: [{ id: 'bench' }],
      logger: false,
      rateLimit: { burst: 1_000_000, perSecond: 1_000_000 },
    },
    { stores: createSqliteStores(indexedPath) },
  )
  await app.ready()
  const login = async (email: string) => {
    const reply = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email, password },
    })
    if (reply.statusCode !== 200) throw new Error(`login ${email}: ${reply.body}`)
    return String(reply.headers['set-cookie']).split(';')[0]!
  }
  const call = async (cookie: string, method: 'POST' | 'PATCH', url: string, payload: object) => {
    const reply = await app.inject({ method, url, headers: { cookie }, payload })
    if (reply.statusCode >= 400) throw new Error(`${method} ${url}: ${reply.body}`)
    return reply.json()
  }
  return { app, login, call }
}

try {
  // The team first: an operator in one group, whose id the history then routes to.
  let groupId: string
  {
    const { app, login, call } = await relayOver()
    const admin = await login('bench@example.com')
    const { employee } = await call(admin, 'POST', '/v1/admin/employees', {
      email: 'op@example.com',
      name: 'Op',
      role: 'operator',
      password,
    })
    const { group } = await call(admin, 'POST', '/v1/admin/sites/bench/groups', {
      name: 'G0',
      members: [employee.id],
    })
    groupId = group.id
    await app.close()
  }
  const plain = side('without-index', withoutIndex)
  const indexed = side('with-index')
  for (let i = 0; i < total; i += WAVE) {
    const inputs: AppendInput[] = []
    for (let j = i; j < Math.min(total, i + WAVE); j++) {
      const input = message(j)
      if (input.opening?.group === 'g0') input.opening.group = groupId
      inputs.push(input)
    }
    // In turn, first one then the other, so a slow moment of the machine hits both.
    const [a, b] = (i / WAVE) % 2 === 0 ? [plain, indexed] : [indexed, plain]
    await wave(a, inputs)
    await wave(b, inputs)
  }
  for (const s of [plain, indexed]) s.db.raw.pragma('wal_checkpoint(TRUNCATE)')
  console.log(
    `search: ${total.toLocaleString('en')} messages in ${(total / PER_CONVERSATION).toLocaleString('en')} conversations, one transaction each, in waves of ${WAVE} (group commit)`,
  )
  console.log('\nwrite path        µs/message (wall)  CPU µs/message  file MB')
  for (const s of [plain, indexed]) {
    console.log(
      `${s.name.padEnd(17)} ${((s.ms * 1000) / total).toFixed(1).padStart(18)} ${(s.cpuUs / total).toFixed(1).padStart(15)} ${fileMb(s.path).padStart(8)}`,
    )
  }
  console.log(
    `index / no index: wall ×${(indexed.ms / plain.ms).toFixed(2)}, CPU ×${(indexed.cpuUs / plain.cpuUs).toFixed(2)}`,
  )
  await plain.db.close()
  await indexed.db.close()

  const { app: relay, login } = await relayOver()
  const inject = (cookie: string, body: object) =>
    relay.inject({ method: 'POST', url: '/v1/messages/search', headers: { cookie }, payload: body })
  const who = { admin: await login('bench@example.com'), operator: await login('op@example.com') }

  const last = START + total * 60_000
  const queries: { name: string; as: keyof typeof who; body: object }[] = [
    { name: 'common word (заказ)', as: 'admin', body: { q: 'заказ' } },
    { name: 'common word, operator of 1 group', as: 'operator', body: { q: 'заказ' } },
    { name: 'two common words', as: 'admin', body: { q: 'доставка когда' } },
    { name: 'rare word', as: 'admin', body: { q: VOCABULARY[20_000]! } },
    { name: 'prefix of 3 letters (дос)', as: 'admin', body: { q: 'дос' } },
    { name: 'phone digits (916 45 67)', as: 'admin', body: { q: '916 45 67' } },
    {
      name: 'common word, last 10 % of time',
      as: 'admin',
      body: { q: 'order', from: last - (last - START) / 10 },
    },
    { name: 'common word, newest order', as: 'admin', body: { q: 'order', order: 'newest' } },
    { name: 'no match', as: 'admin', body: { q: 'zzzzqqq' } },
  ]
  console.log(`\nquery (first page of 20, ${repeats} runs)        p50 ms  p99 ms  hits`)
  for (const query of queries) {
    const times: number[] = []
    let hits = 0
    for (let i = 0; i < repeats; i++) {
      const started = performance.now()
      const reply = await inject(who[query.as], query.body)
      times.push(performance.now() - started)
      if (reply.statusCode !== 200) throw new Error(`${query.name}: ${reply.body}`)
      hits = reply.json().items.length
    }
    times.sort((a, b) => a - b)
    console.log(
      `${query.name.padEnd(42)} ${pct(times, 50).toFixed(1).padStart(7)} ${pct(times, 99).toFixed(1).padStart(7)} ${String(hits).padStart(5)}`,
    )
  }

  // Walk one word to the end of its results, page by page.
  const walk = async (q: string, limit: number, maxPages = Number.POSITIVE_INFINITY) => {
    let cursor: string | null = null
    const times: number[] = []
    let found = 0
    do {
      const started = performance.now()
      const reply = await inject(who.admin, { q, limit, ...(cursor && { cursor }) })
      times.push(performance.now() - started)
      const page = reply.json() as { items: unknown[]; nextCursor: string | null }
      found += page.items.length
      cursor = page.nextCursor
    } while (cursor && times.length < maxPages)
    return { times, found }
  }
  const mid = VOCABULARY[500]!
  const walked = await walk(mid, 100)
  const sorted = [...walked.times].sort((a, b) => a - b)
  console.log(
    `\nwalk "${mid}" to the end, 100 a page: ${walked.found} hits in ${walked.times.length} pages, ${walked.times.reduce((a, b) => a + b, 0).toFixed(0)} ms in all, page p50 ${pct(sorted, 50).toFixed(1)} ms, p99 ${pct(sorted, 99).toFixed(1)} ms`,
  )
  const deep = await walk('заказ', 20, 50)
  console.log(
    `common word, 50 pages of 20 deep: page 1 ${deep.times[0]!.toFixed(1)} ms, page 50 ${deep.times.at(-1)!.toFixed(1)} ms`,
  )
  await relay.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
