import { type Static, Type } from '@sinclair/typebox'
import type { ConversationEvent, ConversationSummary } from './common.ts'
import type { PrechatField } from './forms/fields.ts'
import type { WorkingHours } from './forms/hours.ts'
import type { AgreementTemplate } from './forms/legal.ts'
import type { OperatorProfile } from './operator.ts'
import { Role } from './operator.ts'
import type { Scenario, ScenarioSettings } from './scenario.ts'
import {
  CallbackRequest,
  EngageEvent,
  OfflineRequest,
  PageInfo,
  type VisitRegion,
} from './visitor.ts'

export const LoginBody = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
})
export type LoginBody = Static<typeof LoginBody>

export interface LoginReply {
  operator: OperatorProfile
}

export const CreateEmployeeBody = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' }),
  name: Type.String({ minLength: 1, maxLength: 120 }),
  password: Type.String({ minLength: 8, maxLength: 1024 }),
  role: Role,
})
export type CreateEmployeeBody = Static<typeof CreateEmployeeBody>

export const CreateApiTokenBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 120 }),
})
export type CreateApiTokenBody = Static<typeof CreateApiTokenBody>

/** The token itself is shown once, here; the relay keeps only its hash. */
export interface CreateApiTokenReply {
  id: string
  name: string
  token: string
}

export interface ConversationListReply {
  conversations: ConversationSummary[]
}

export interface ConversationEventsReply {
  conversation: ConversationSummary
  events: ConversationEvent[]
}

/** What the widget boots from: `GET /v1/sites/:site/config` (with ETag). */
export interface SiteConfig {
  siteId: string
  name: string
  /** Changes whenever anything below changes; also announced in `welcome`. */
  configVersion: string
  locale: 'ru' | 'en'
  /** `consent`: nothing stored and no socket until the visitor interacts. */
  storage: 'consent' | 'always'
  theme: { accent: string; position: 'right' | 'left' }
  chat: { title: string; greeting: string }
  /** The floating omni-button. */
  button: ButtonConfig
  /** Which channels the omni-button offers. */
  channels: ChannelsConfig
  /** `null`: always open. */
  workingHours: WorkingHours | null
  prechat: PrechatConfig
  /** `null` when the site has no agreement template yet (forms cannot be submitted). */
  agreement: AgreementRef | null
  identityVerification: IdentityVerification
  /** The site's enabled engagement scenarios, in priority-tie order (absent from older relays). */
  scenarios?: Scenario[]
  /** @default { minGapSeconds: 0 } */
  scenarioSettings?: ScenarioSettings
}

export interface ButtonConfig {
  label: string
  position: 'right' | 'left'
  /** Pixels from the side. */
  offsetX: number
  /** Pixels from the bottom. */
  offsetY: number
  /** CSS hex colour, e.g. `#0b7a75`. */
  color: string
}

/**
 * Messenger deep links: `https://t.me/<telegram>?start=<p>`, `https://vk.me/<vk>?ref=<p>`,
 * `viber://pa?chatURI=<viber>&context=<p>` with p = `welcome.startParam`.
 */
export interface ChannelsConfig {
  chat: boolean
  callback: boolean
  /** Telegram bot username. */
  telegram?: string
  /** VK community id or short name. */
  vk?: string
  /** Viber bot URI. */
  viber?: string
}

export interface PrechatConfig {
  /** @default false */
  enabled: boolean
  fields: PrechatField[]
}

/** The current agreement: consent frames must carry this `version`. */
export interface AgreementRef {
  /** First 16 hex of SHA-256 of the rendered ru text. */
  version: string
  /** The relay's HTML page: `GET /v1/sites/:site/agreement?lang=`. */
  url: string
}

/** `required`: `identify` without a valid HMAC is refused with `identity_unverified`. */
export type IdentityVerification = 'off' | 'required'

/** `GET /v1/sites/:site/presence` (not cached). */
export interface PresenceReply {
  operatorsOnline: number
  /** `operatorsOnline > 0` and within working hours. */
  available: boolean
  /** The visitor's region, looked up from the request's IP; absent when unknown. */
  region?: VisitRegion
}

const FallbackExtra = Type.Object({
  /** The visitor token from `welcome` or an earlier fallback reply; absent: a new visitor. */
  token: Type.Optional(Type.String({ maxLength: 512 })),
  /** Decides the default phone country, like `hello.lang`. */
  lang: Type.Optional(Type.String({ maxLength: 35 })),
  page: Type.Optional(PageInfo),
})

/** `POST /v1/sites/:site/callback` (HTTP fallback): the `callback` frame's fields without `t`. */
export const CallbackFallbackBody = Type.Composite([
  Type.Omit(CallbackRequest, ['t']),
  FallbackExtra,
])
export type CallbackFallbackBody = Static<typeof CallbackFallbackBody>

/** `POST /v1/sites/:site/offline` (HTTP fallback): the `offline` frame's fields without `t`. */
export const OfflineFallbackBody = Type.Composite([Type.Omit(OfflineRequest, ['t']), FallbackExtra])
export type OfflineFallbackBody = Static<typeof OfflineFallbackBody>

/** Reply of `POST /v1/sites/:site/callback|offline`; `token` only when the body had none. */
export interface FormReply {
  cid: string
  id: string
  conversationId: string
  seq: number
  at: number
  token?: string
}

/** `GET /v1/admin/sites/:site` and the reply of `PUT`. The identity secret is never returned. */
export interface SiteSettings {
  siteId: string
  name: string
  locale: 'ru' | 'en'
  storage: 'consent' | 'always'
  allowedOrigins: string[]
  theme: { accent: string; position: 'right' | 'left' }
  chat: { title: string; greeting: string }
  button: ButtonConfig
  channels: ChannelsConfig
  workingHours: WorkingHours | null
  prechat: PrechatConfig
  agreementTemplate: AgreementTemplate | null
  agreement: AgreementRef | null
  identityVerification: IdentityVerification
  identitySecretSet: boolean
}

const Hex = (max: number) => Type.String({ maxLength: max })
const Span = Type.Union([Type.Tuple([Hex(5), Hex(5)]), Type.Null()])

/**
 * `PUT /v1/admin/sites/:site`: a partial update; a key left out keeps its value. Shapes are
 * checked here (400 `bad_request`), rules by the relay (400 `field_invalid` with `fields`
 * such as `agreement.inn`).
 */
export const UpdateSiteBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    locale: Type.Optional(Type.Union([Type.Literal('ru'), Type.Literal('en')])),
    storage: Type.Optional(Type.Union([Type.Literal('consent'), Type.Literal('always')])),
    allowedOrigins: Type.Optional(Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 50 })),
    theme: Type.Optional(
      Type.Object({
        accent: Type.String({ maxLength: 32 }),
        position: Type.Union([Type.Literal('right'), Type.Literal('left')]),
      }),
    ),
    chat: Type.Optional(
      Type.Object({
        title: Type.String({ maxLength: 120 }),
        greeting: Type.String({ maxLength: 1000 }),
      }),
    ),
    button: Type.Optional(
      Type.Object({
        label: Type.String({ maxLength: 60 }),
        position: Type.Union([Type.Literal('right'), Type.Literal('left')]),
        offsetX: Type.Integer({ minimum: 0, maximum: 500 }),
        offsetY: Type.Integer({ minimum: 0, maximum: 500 }),
        color: Type.String({ maxLength: 32 }),
      }),
    ),
    channels: Type.Optional(
      Type.Object({
        chat: Type.Boolean(),
        callback: Type.Boolean(),
        telegram: Type.Optional(Type.String({ maxLength: 64 })),
        vk: Type.Optional(Type.String({ maxLength: 64 })),
        viber: Type.Optional(Type.String({ maxLength: 64 })),
      }),
    ),
    workingHours: Type.Optional(
      Type.Union([
        Type.Object({
          timeZone: Type.String({ maxLength: 64 }),
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
      ]),
    ),
    prechat: Type.Optional(
      Type.Object({
        enabled: Type.Boolean(),
        fields: Type.Array(
          Type.Union([Type.Literal('name'), Type.Literal('phone'), Type.Literal('email')]),
          { maxItems: 3 },
        ),
      }),
    ),
    /** Template fields are checked by the relay so a missing one reads as `required`. */
    agreement: Type.Optional(
      Type.Union([
        Type.Object({
          company: Type.Optional(Type.String({ maxLength: 2000 })),
          inn: Type.Optional(Type.String({ maxLength: 64 })),
          legalAddress: Type.Optional(Type.String({ maxLength: 2000 })),
          email: Type.Optional(Type.String({ maxLength: 2000 })),
          siteUrl: Type.Optional(Type.String({ maxLength: 4096 })),
          ogrn: Type.Optional(Type.String({ maxLength: 64 })),
        }),
        Type.Null(),
      ]),
    ),
    identityVerification: Type.Optional(
      Type.Union([Type.Literal('off'), Type.Literal('required')]),
    ),
    /** At least 16 characters; `null` removes it. */
    identitySecret: Type.Optional(
      Type.Union([Type.String({ minLength: 16, maxLength: 256 }), Type.Null()]),
    ),
  },
  { additionalProperties: false },
)
export type UpdateSiteBody = Static<typeof UpdateSiteBody>

/** `PATCH /v1/admin/employees/:id`: what a visitor sees of the operator. */
export const UpdateEmployeeBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    position: Type.Optional(Type.Union([Type.String({ maxLength: 120 }), Type.Null()])),
    photoUrl: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()])),
  },
  { additionalProperties: false },
)
export type UpdateEmployeeBody = Static<typeof UpdateEmployeeBody>

/**
 * `POST /v1/sites/:site/engage`: an invitation event over HTTP, before (or without) a socket.
 * Without `token` it is recorded anonymously (nothing is stored on the device for it).
 */
export const EngageBody = Type.Object({
  cid: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  scenarioId: Type.String({ minLength: 1, maxLength: 64 }),
  event: EngageEvent,
  page: Type.String({ maxLength: 2048 }),
  session: Type.Optional(Type.String({ maxLength: 64 })),
  token: Type.Optional(Type.String({ maxLength: 512 })),
})
export type EngageBody = Static<typeof EngageBody>

/** Reply of `POST /v1/sites/:site/engage`, like an `ack` frame without `t`. */
export interface EngageReply {
  cid?: string
  id: string
  at: number
}

/** `GET /v1/admin/sites/:site/scenarios`. */
export interface ScenarioListReply {
  scenarios: Scenario[]
  settings: ScenarioSettings
}

/** One scenario's counts in `GET /v1/admin/sites/:site/scenarios/stats?from=&to=`. */
export interface ScenarioStats {
  scenarioId: string
  /** Absent when the scenario was deleted since. */
  name?: string
  impressions: number
  clicks: number
  dismissals: number
  /** Conversations started within the session after an impression (or naming the scenario). */
  conversions: { chat: number; callback: number; offline: number; total: number }
  /** `conversions.total / impressions`; 0 without impressions. */
  conversionRate: number
}

export interface ScenarioStatsReply {
  /** Epoch ms, inclusive. */
  from: number
  /** Epoch ms, exclusive. */
  to: number
  scenarios: ScenarioStats[]
}

export interface HealthReply {
  status: 'ok' | 'shutting_down'
  version: string
  protocol: number
}
