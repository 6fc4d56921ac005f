import { type Static, Type } from '@sinclair/typebox'
import { ERROR_CODES, type ErrorCode } from './codes.ts'
import { ConversationEvent, ConversationSummary, Timestamp } from './common.ts'
import type { FieldCode } from './forms/fields.ts'
import { EmployeeKind, OperatorProfile } from './operator.ts'
import { Scopes } from './permissions.ts'
import { Scenario, ScenarioSettings } from './scenario.ts'
import { VisitRegion } from './visitor.ts'

/*
 * What the relay's REST API answers. The relay serialises each reply with its schema, so a
 * property missing here is not sent: add it here first. The types are the schemas' `Static`.
 */

const FIELD_CODES: Record<FieldCode, true> = {
  required: true,
  too_long: true,
  too_many: true,
  phone_invalid: true,
  email_invalid: true,
  contact_required: true,
  slot_invalid: true,
  url_invalid: true,
  inn_invalid: true,
  ogrn_invalid: true,
  timezone_invalid: true,
  hours_invalid: true,
  color_invalid: true,
  country_invalid: true,
  value_invalid: true,
  out_of_range: true,
  unknown_field: true,
  regex_invalid: true,
  regex_unsafe: true,
}

/** One failed field of a `field_invalid` error (`FieldError`). */
export const FieldErrorReply = Type.Object({
  field: Type.String({
    description:
      'The input (`phone`), a settings path (`agreement.inn`) or a JSON pointer (`/where/include/0/value`)',
  }),
  code: Type.Unsafe<FieldCode>({ type: 'string', enum: Object.keys(FIELD_CODES) }),
})
export type FieldErrorReply = Static<typeof FieldErrorReply>

/** Body of every REST error response (`ErrorBody`); `ERROR_CODES` maps each code to its status. */
export const ErrorReply = Type.Object({
  code: Type.Unsafe<ErrorCode>({ type: 'string', enum: Object.keys(ERROR_CODES) }),
  message: Type.String(),
  /** With `field_invalid`: each failed field and its code. */
  fields: Type.Optional(Type.Array(FieldErrorReply)),
})
export type ErrorReply = Static<typeof ErrorReply>

/** `GET /healthz`: 200 while serving, 503 once shutdown has begun. */
export const HealthReply = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('shutting_down')]),
  version: Type.String({ description: 'The relay version' }),
  protocol: Type.Integer({ description: 'The protocol version of `hello` and `welcome`' }),
})
export type HealthReply = Static<typeof HealthReply>

/** `POST /v1/auth/login` (with the session cookie) and `GET /v1/auth/me`. */
export const LoginReply = Type.Object({ operator: OperatorProfile })
export type LoginReply = Static<typeof LoginReply>

/** The token itself is shown once, here; the relay keeps only its hash. */
export const CreateApiTokenReply = Type.Object({
  id: Type.String(),
  name: Type.String(),
  token: Type.String({ description: 'Send it as `Authorization: Bearer <token>`; shown once' }),
  scopes: Scopes,
})
export type CreateApiTokenReply = Static<typeof CreateApiTokenReply>

/** An API token as listed: never the secret. */
export const ApiTokenSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  /** The employee who created it; the token never does more than their role grants. */
  employeeId: Type.String(),
  scopes: Type.Union([Scopes, Type.Null()], {
    description: "null: made before scopes existed; acts with its employee's whole role",
  }),
  createdAt: Timestamp,
  lastUsedAt: Type.Union([Timestamp, Type.Null()], {
    description: 'When it last authenticated a call, to the minute; null: never',
  }),
})
export type ApiTokenSummary = Static<typeof ApiTokenSummary>

/** `GET /v1/admin/tokens`, oldest first. */
export const ApiTokenListReply = Type.Object({ tokens: Type.Array(ApiTokenSummary) })
export type ApiTokenListReply = Static<typeof ApiTokenListReply>

/** `GET /v1/admin/sites`: every site, by id. */
export const SiteListReply = Type.Object({
  sites: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
})
export type SiteListReply = Static<typeof SiteListReply>

/** An employee as the admin sees them. */
export const Employee = Type.Composite([
  OperatorProfile,
  Type.Object({
    kind: EmployeeKind,
    active: Type.Boolean(),
    /** Concurrent conversations; null: each group's default. */
    capacity: Type.Union([Type.Integer(), Type.Null()]),
    /** Whether they can log in yet (false until their set-password link is used; bots: false). */
    hasPassword: Type.Boolean(),
    createdAt: Timestamp,
  }),
])
export type Employee = Static<typeof Employee>

/** `GET /v1/admin/employees`, oldest first. */
export const EmployeeListReply = Type.Object({
  employees: Type.Array(Employee),
  /** Seats taken (active people) and the limit (`PARLEY_SEATS`; null: unlimited). */
  seats: Type.Object({ used: Type.Integer(), limit: Type.Union([Type.Integer(), Type.Null()]) }),
})
export type EmployeeListReply = Static<typeof EmployeeListReply>

/** A one-time link to set a password: open it, choose a password, log in. */
export const PasswordLink = Type.Object({
  url: Type.String(),
  expiresAt: Timestamp,
})
export type PasswordLink = Static<typeof PasswordLink>

/** `POST /v1/admin/employees`, `PATCH /v1/admin/employees/:id`, (de/re)activation. */
export const EmployeeReply = Type.Object({
  employee: Employee,
  /** On creation without a password: the link to give the new employee. */
  passwordLink: Type.Optional(PasswordLink),
})
export type EmployeeReply = Static<typeof EmployeeReply>

/** `GET /v1/conversations`. */
export const ConversationListReply = Type.Object({
  conversations: Type.Array(ConversationSummary),
})
export type ConversationListReply = Static<typeof ConversationListReply>

/** `GET /v1/conversations/:id/events`. */
export const ConversationEventsReply = Type.Object({
  conversation: ConversationSummary,
  events: Type.Array(ConversationEvent),
})
export type ConversationEventsReply = Static<typeof ConversationEventsReply>

const Side = Type.Union([Type.Literal('right'), Type.Literal('left')])
const Locale = Type.Union([Type.Literal('ru'), Type.Literal('en')])
const StorageMode = Type.Union([Type.Literal('consent'), Type.Literal('always')], {
  description: '`consent`: nothing stored and no socket until the visitor interacts',
})
const Theme = Type.Object({ accent: Type.String(), position: Side })
const DefaultCountry = Type.Union([Type.String(), Type.Null()], {
  description:
    'ISO 3166-1 alpha-2 code (`RU`) by which phone numbers typed without `+` are read; `null`: a `+` is required',
})
const Chat = Type.Object({ title: Type.String(), greeting: Type.String() })

/** The floating omni-button. */
export const ButtonConfig = Type.Object({
  label: Type.String(),
  position: Side,
  offsetX: Type.Integer({ description: 'Pixels from the side' }),
  offsetY: Type.Integer({ description: 'Pixels from the bottom' }),
  color: Type.String({ description: 'CSS hex colour, e.g. `#0b7a75`' }),
})
export type ButtonConfig = Static<typeof ButtonConfig>

/**
 * Messenger deep links: `https://t.me/<telegram>?start=<p>`, `https://vk.me/<vk>?ref=<p>`,
 * `viber://pa?chatURI=<viber>&context=<p>` with p = `welcome.startParam`.
 */
export const ChannelsConfig = Type.Object(
  {
    chat: Type.Boolean(),
    callback: Type.Boolean(),
    telegram: Type.Optional(Type.String({ description: 'Telegram bot username' })),
    vk: Type.Optional(Type.String({ description: 'VK community id or short name' })),
    viber: Type.Optional(Type.String({ description: 'Viber bot URI' })),
  },
  { description: 'Which channels the omni-button offers' },
)
export type ChannelsConfig = Static<typeof ChannelsConfig>

const Span = Type.Union([Type.Tuple([Type.String(), Type.String()]), Type.Null()], {
  description: "`['09:00', '18:00']` (end exclusive, `24:00` allowed) or `null` (closed)",
})

/** `WorkingHours` of `@parley/protocol/forms`. */
const Hours = Type.Union(
  [
    Type.Object({
      timeZone: Type.String({ description: 'IANA zone, e.g. `Europe/Moscow`' }),
      days: Type.Object({
        mon: Span,
        tue: Span,
        wed: Span,
        thu: Span,
        fri: Span,
        sat: Span,
        sun: Span,
      }),
    }),
    Type.Null(),
  ],
  { description: '`null`: always open' },
)

export const PrechatConfig = Type.Object({
  /** @default false */
  enabled: Type.Boolean(),
  fields: Type.Array(
    Type.Union([Type.Literal('name'), Type.Literal('phone'), Type.Literal('email')]),
  ),
})
export type PrechatConfig = Static<typeof PrechatConfig>

/** The current agreement: consent frames must carry this `version`. */
export const AgreementRef = Type.Object({
  version: Type.String({ description: 'First 16 hex of SHA-256 of the rendered ru text' }),
  url: Type.String({ description: 'The relay page `GET /v1/sites/{site}/agreement?lang=`' }),
})
export type AgreementRef = Static<typeof AgreementRef>

/** `required`: `identify` without a valid HMAC is refused with `identity_unverified`. */
export const IdentityVerification = Type.Union([Type.Literal('off'), Type.Literal('required')], {
  description: '`required`: `identify` without a valid HMAC is refused with `identity_unverified`',
})
export type IdentityVerification = Static<typeof IdentityVerification>

/** What the widget boots from: `GET /v1/sites/:site/config` (with ETag). */
export const SiteConfig = Type.Object({
  siteId: Type.String(),
  name: Type.String(),
  configVersion: Type.String({
    description: 'Changes whenever anything else does; also announced in `welcome`',
  }),
  locale: Locale,
  storage: StorageMode,
  /** Absent from older relays: the widget then reads numbers by the page language. */
  defaultCountry: Type.Optional(DefaultCountry),
  theme: Theme,
  chat: Chat,
  button: ButtonConfig,
  channels: ChannelsConfig,
  workingHours: Hours,
  prechat: PrechatConfig,
  agreement: Type.Union([AgreementRef, Type.Null()], {
    description: '`null` when the site has no agreement template yet (forms cannot be submitted)',
  }),
  identityVerification: IdentityVerification,
  scenarios: Type.Optional(
    Type.Array(Scenario, {
      description:
        "The site's enabled engagement scenarios, in priority-tie order (absent from older relays)",
    }),
  ),
  /** @default { minGapSeconds: 0 } */
  scenarioSettings: Type.Optional(ScenarioSettings),
})
export type SiteConfig = Static<typeof SiteConfig>

/** `GET /v1/sites/:site/presence` (not cached). */
export const PresenceReply = Type.Object({
  operatorsOnline: Type.Integer(),
  available: Type.Boolean({ description: '`operatorsOnline > 0` and within working hours' }),
  region: Type.Optional(
    Type.Composite([VisitRegion], {
      description: "The visitor's region, looked up from the request's IP; absent when unknown",
    }),
  ),
})
export type PresenceReply = Static<typeof PresenceReply>

/** Reply of `POST /v1/sites/:site/callback|offline`; `token` only when the body had none. */
export const FormReply = Type.Object({
  cid: Type.String(),
  id: Type.String(),
  conversationId: Type.String(),
  seq: Type.Integer(),
  at: Timestamp,
  token: Type.Optional(
    Type.String({ description: 'A new visitor token, when the request carried none' }),
  ),
})
export type FormReply = Static<typeof FormReply>

/** `AgreementTemplate` of `@parley/protocol/forms`. */
const AgreementTemplate = Type.Object({
  company: Type.String(),
  inn: Type.String(),
  legalAddress: Type.String(),
  email: Type.String(),
  siteUrl: Type.String(),
  ogrn: Type.Optional(Type.String()),
})

/** `GET /v1/admin/sites/:site` and the reply of `PUT`. The identity secret is never returned. */
export const SiteSettings = Type.Object({
  siteId: Type.String(),
  name: Type.String(),
  locale: Locale,
  storage: StorageMode,
  defaultCountry: DefaultCountry,
  allowedOrigins: Type.Array(Type.String()),
  theme: Theme,
  chat: Chat,
  button: ButtonConfig,
  channels: ChannelsConfig,
  workingHours: Hours,
  prechat: PrechatConfig,
  agreementTemplate: Type.Union([AgreementTemplate, Type.Null()]),
  agreement: Type.Union([AgreementRef, Type.Null()]),
  identityVerification: IdentityVerification,
  identitySecretSet: Type.Boolean(),
})
export type SiteSettings = Static<typeof SiteSettings>

/** Reply of `POST /v1/sites/:site/engage`, like an `ack` frame without `t`. */
export const EngageReply = Type.Object({
  cid: Type.Optional(Type.String()),
  id: Type.String(),
  at: Timestamp,
})
export type EngageReply = Static<typeof EngageReply>

/** `GET /v1/admin/sites/:site/scenarios`. */
export const ScenarioListReply = Type.Object({
  scenarios: Type.Array(Scenario),
  settings: ScenarioSettings,
})
export type ScenarioListReply = Static<typeof ScenarioListReply>

/** One scenario: `GET`, `POST` and `PUT` of `/v1/admin/sites/:site/scenarios[/:id]`. */
export const ScenarioReply = Type.Object({ scenario: Scenario })
export type ScenarioReply = Static<typeof ScenarioReply>

/** `PUT /v1/admin/sites/:site/scenario-settings`. */
export const ScenarioSettingsReply = Type.Object({ settings: ScenarioSettings })
export type ScenarioSettingsReply = Static<typeof ScenarioSettingsReply>

const Count = Type.Integer({ minimum: 0 })

/** One scenario's counts in `GET /v1/admin/sites/:site/scenarios/stats?from=&to=`. */
export const ScenarioStats = Type.Object({
  scenarioId: Type.String(),
  name: Type.Optional(Type.String({ description: 'Absent when the scenario was deleted since' })),
  impressions: Count,
  clicks: Count,
  dismissals: Count,
  conversions: Type.Object(
    { chat: Count, callback: Count, offline: Count, total: Count },
    {
      description:
        'Conversations started within the session after an impression (or naming the scenario)',
    },
  ),
  conversionRate: Type.Number({
    description: '`conversions.total / impressions`; 0 without impressions',
  }),
})
export type ScenarioStats = Static<typeof ScenarioStats>

export const ScenarioStatsReply = Type.Object({
  from: Type.Number({ description: 'Epoch ms, inclusive' }),
  to: Type.Number({ description: 'Epoch ms, exclusive' }),
  scenarios: Type.Array(ScenarioStats),
})
export type ScenarioStatsReply = Static<typeof ScenarioStatsReply>
