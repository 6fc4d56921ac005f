import { parseArgs } from 'node:util'
import type { RelayConfig } from '../config/config.ts'

/** What the `parley-relay` command runs with, from environment variables and flags. */
export interface CliOptions {
  help: boolean
  resetAdminPassword: boolean
  port: number
  host: string
  logLevel: string
  config: RelayConfig
}

/** `--help` text: every flag and environment variable. */
export const HELP = `Usage: parley-relay [options]

Options (flags win over environment variables):
  --port <n>               PARLEY_PORT              port to listen on (0: any free port) [8080]
  --host <addr>            PARLEY_HOST              address to listen on [127.0.0.1]
  --database <path>        PARLEY_DATABASE          SQLite file, directory created [./.parley/parley.db]
                           PARLEY_DATABASE_URL      postgres://user:pass@host:5432/db instead of
                                                    the SQLite file (several relays share it)
                           PARLEY_REDIS_URL         redis://host:6379: the bus between relays
                                                    (needs PARLEY_DATABASE_URL) [in-process]
  --demo                   PARLEY_DEMO=1            serve demo-site/ at / and seed site "demo"
  --sites <a,b>            PARLEY_SITES             site ids to create if missing
  --allowed-origins <list> PARLEY_ALLOWED_ORIGINS   comma list of page origins [any]
  --max-frame-bytes <n>    PARLEY_MAX_FRAME_BYTES   largest inbound frame [16384]
  --max-text-length <n>    PARLEY_MAX_TEXT_LENGTH   longest message text [4000]
  --log-level <level>      PARLEY_LOG_LEVEL         fatal|error|warn|info|debug|trace|silent [info]
                           PARLEY_SECRET            HMAC secret for visitor tokens
                                                    [generated once, kept in the database]
                           PARLEY_ADMIN_EMAIL       first admin's email [admin@example.com]
                           PARLEY_ADMIN_PASSWORD    first admin's password
                                                    [generated on first start, printed once]
                           PARLEY_GEOIP_DB          MaxMind-format city database (.mmdb) for
                                                    visitor regions [DB-IP Lite, bundled]
                           PARLEY_GEOIP=off         no IP region lookup
                           PARLEY_REGION_HEADER     trusted proxy header with the country or
                                                    CC-RR, e.g. cf-ipcountry [none]
                           PARLEY_TRUST_PROXY       1: trust X-Forwarded-For from any proxy;
                                                    or a comma list of proxy IPs/CIDRs [off]
                           PARLEY_PUBLIC_URL        where the relay is reached, e.g.
                                                    https://chat.example.com (absolute links) [none]
                           PARLEY_OPERATOR_ORIGINS  page origins besides the relay's own that may
                                                    open the operator socket [none]
                           PARLEY_MAX_CONNECTIONS_PER_ADDRESS
                                                    open sockets per client address [100]
                           PARLEY_SEATS             active people (not bots) at once
                                                    [unlimited; 2 with --demo]
                           PARLEY_VISITOR_TOKEN_DAYS
                                                    days a visitor token lasts, renewed on use [365]
                           PARLEY_WEBHOOKS_ALLOW_PRIVATE
                                                    1: webhooks may reach private, loopback and
                                                    link-local addresses; or a comma list of
                                                    addresses/CIDRs [off: public only]
                           PARLEY_SECRET_KEY        64 hex digits (openssl rand -hex 32): messenger
                                                    credentials are stored encrypted with it [none:
                                                    no contact points]
                           PARLEY_TELEGRAM_API_ROOT the Telegram Bot API server, e.g. a local
                                                    telegram-bot-api [https://api.telegram.org]
                           PARLEY_VK_API_ROOT       VK's API [https://api.vk.ru/method]
                           PARLEY_VIBER_API_ROOT    Viber's bot API [https://chatapi.viber.com/pa]
                           PARLEY_ATTACHMENT_MAX_BYTES
                                                    largest file a message may carry, in bytes
                                                    [10485760: 10 MB]
                           PARLEY_SMTP_URL          smtp(s)://user:pass@host:port for replies to
                                                    offline leads by e-mail [none: no e-mail]
                           PARLEY_SMTP_FROM         From of those e-mails
                                                    [Parley <no-reply@localhost>]
  --reset-admin-password                            print a new generated admin password and exit
  -h, --help                                        show this help

On start the relay prints "parley-relay listening on <url>", then the demo,
console and health URLs and the admin login.`

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got "${value}"`)
  return n
}

/** `PARLEY_VISITOR_TOKEN_DAYS`: how long a visitor token lasts (renewed after a twelfth of it). */
function visitorTokenDays(value: string | undefined) {
  const days = integer('PARLEY_VISITOR_TOKEN_DAYS', value)
  if (days === undefined) return {}
  if (days < 1) throw new Error(`PARLEY_VISITOR_TOKEN_DAYS must be at least 1, got "${value}"`)
  const ttlMs = days * 24 * 60 * 60 * 1000
  return { visitorTokens: { ttlMs, renewAfterMs: Math.ceil(ttlMs / 12) } }
}

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean)
  return items?.length ? items : undefined
}

function flag(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false', 'no', 'off'].includes(value.toLowerCase())
}

/** `PARLEY_TRUST_PROXY`, `PARLEY_WEBHOOKS_ALLOW_PRIVATE`: on/off, or a list of addresses. */
function onOffOrList(value: string | undefined): boolean | string[] {
  if (value === undefined || value.trim() === '') return false
  if (/^(1|true|yes|on)$/i.test(value.trim())) return true
  if (!flag(value)) return false
  return list(value) ?? false
}

/** Reads options from `argv` (without node and script) and `env`; throws on bad values. */
export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      'reset-admin-password': { type: 'boolean' },
      port: { type: 'string' },
      host: { type: 'string' },
      database: { type: 'string' },
      demo: { type: 'boolean' },
      sites: { type: 'string' },
      'allowed-origins': { type: 'string' },
      'max-frame-bytes': { type: 'string' },
      'max-text-length': { type: 'string' },
      'log-level': { type: 'string' },
    },
  })
  const maxFrameBytes = integer(
    'max frame bytes',
    values['max-frame-bytes'] ?? env.PARLEY_MAX_FRAME_BYTES,
  )
  const maxTextLength = integer(
    'max text length',
    values['max-text-length'] ?? env.PARLEY_MAX_TEXT_LENGTH,
  )
  const logLevel = values['log-level'] ?? env.PARLEY_LOG_LEVEL ?? 'info'
  const demo = values.demo ?? flag(env.PARLEY_DEMO)
  return {
    help: values.help ?? false,
    resetAdminPassword: values['reset-admin-password'] ?? false,
    port: integer('port', values.port ?? env.PARLEY_PORT) ?? 8080,
    host: values.host ?? env.PARLEY_HOST ?? '127.0.0.1',
    logLevel,
    config: {
      databasePath: values.database ?? env.PARLEY_DATABASE ?? './.parley/parley.db',
      databaseUrl: env.PARLEY_DATABASE_URL || undefined,
      redisUrl: env.PARLEY_REDIS_URL || undefined,
      secret: env.PARLEY_SECRET || undefined,
      admin: {
        email: env.PARLEY_ADMIN_EMAIL || 'admin@example.com',
        password: env.PARLEY_ADMIN_PASSWORD || undefined,
      },
      demo,
      // The demo has two seats, like the hosted plan it replaces; unlimited otherwise.
      seats: integer('PARLEY_SEATS', env.PARLEY_SEATS) ?? (demo ? 2 : null),
      ...visitorTokenDays(env.PARLEY_VISITOR_TOKEN_DAYS),
      sites: list(values.sites ?? env.PARLEY_SITES)?.map((id) => ({ id })),
      allowedOrigins: list(values['allowed-origins'] ?? env.PARLEY_ALLOWED_ORIGINS),
      limits: {
        ...(maxFrameBytes !== undefined && { maxFrameBytes }),
        ...(maxTextLength !== undefined && { maxTextLength }),
      },
      logger: logLevel === 'silent' ? false : { level: logLevel },
      geoip: {
        database:
          env.PARLEY_GEOIP && !flag(env.PARLEY_GEOIP) ? false : env.PARLEY_GEOIP_DB || undefined,
        header: env.PARLEY_REGION_HEADER || undefined,
      },
      trustProxy: onOffOrList(env.PARLEY_TRUST_PROXY),
      publicUrl: env.PARLEY_PUBLIC_URL || undefined,
      operatorOrigins: list(env.PARLEY_OPERATOR_ORIGINS),
      webhooks: { allowPrivateNetworks: onOffOrList(env.PARLEY_WEBHOOKS_ALLOW_PRIVATE) },
      channels: {
        secretKey: env.PARLEY_SECRET_KEY,
        telegramApiRoot: env.PARLEY_TELEGRAM_API_ROOT || undefined,
        vkApiBaseUrl: env.PARLEY_VK_API_ROOT || undefined,
        viberApiRoot: env.PARLEY_VIBER_API_ROOT || undefined,
        smtpUrl: env.PARLEY_SMTP_URL,
        smtpFrom: env.PARLEY_SMTP_FROM,
      },
      attachments: {
        maxBytes: integer('PARLEY_ATTACHMENT_MAX_BYTES', env.PARLEY_ATTACHMENT_MAX_BYTES),
      },
      maxConnectionsPerAddress: integer(
        'PARLEY_MAX_CONNECTIONS_PER_ADDRESS',
        env.PARLEY_MAX_CONNECTIONS_PER_ADDRESS,
      ),
    },
  }
}
