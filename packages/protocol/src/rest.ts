import { type Static, Type } from '@sinclair/typebox'
import { EmployeeKind, Role } from './operator.ts'

/** Conversations an operator takes at once. */
export const Capacity = Type.Integer({ minimum: 0, maximum: 100 })

import { Scopes } from './permissions.ts'
import { Scenario, ScenarioSettings } from './scenario.ts'
import { CallbackRequest, EngageEvent, OfflineRequest, PageInfo } from './visitor.ts'

/*
 * What the relay's REST API takes: path parameters, query strings and bodies. Fastify checks
 * them against these schemas (400 `bad_request`) unless a route says otherwise; the replies
 * are in `rest-replies.ts`.
 */

/** `:site` in `/v1/sites/:site/...` and `/v1/admin/sites/:site/...`. */
export const SiteParams = Type.Object({ site: Type.String({ description: 'The site id' }) })
export type SiteParams = Static<typeof SiteParams>

/** `:id` of an employee, an API token or a conversation. */
export const IdParams = Type.Object({ id: Type.String() })
export type IdParams = Static<typeof IdParams>

/** `/v1/admin/sites/:site/scenarios/:id`. */
export const ScenarioParams = Type.Object({
  site: Type.String({ description: 'The site id' }),
  id: Type.String({ description: 'The scenario id' }),
})
export type ScenarioParams = Static<typeof ScenarioParams>

export const LoginBody = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
})
export type LoginBody = Static<typeof LoginBody>

const Email = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' })

/**
 * `POST /v1/admin/employees`. A person's `email` is their login; without `password` the reply
 * carries a one-time link to set one. A bot (`kind: 'bot'`) has neither: it acts through API
 * tokens created for it.
 */
export const CreateEmployeeBody = Type.Object(
  {
    kind: Type.Optional(EmployeeKind),
    email: Type.Optional(Email),
    name: Type.String({ minLength: 1, maxLength: 120 }),
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 1024 })),
    role: Role,
    position: Type.Optional(Type.String({ maxLength: 120 })),
    photoUrl: Type.Optional(Type.String({ maxLength: 2048 })),
    capacity: Type.Optional(Type.Union([Type.Null(), Capacity])),
  },
  { additionalProperties: false },
)
export type CreateEmployeeBody = Static<typeof CreateEmployeeBody>

export const CreateApiTokenBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 120 }),
  /** A bot's id, to make the token for that bot (needs `employees:manage`); default: yourself. */
  employeeId: Type.Optional(Type.String({ maxLength: 64 })),
  /** What the token may do; default `DEFAULT_TOKEN_SCOPES`. At most what your role grants. */
  scopes: Type.Optional(Scopes),
})
export type CreateApiTokenBody = Static<typeof CreateApiTokenBody>

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
    /** An ISO 3166-1 alpha-2 code, checked by the relay (`country_invalid`); `null`: none. */
    defaultCountry: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 8 })])),
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
      Type.Union([Type.Null(), Type.String({ minLength: 16, maxLength: 256 })]),
    ),
  },
  { additionalProperties: false },
)
export type UpdateSiteBody = Static<typeof UpdateSiteBody>

/** `PATCH /v1/admin/employees/:id`: what a visitor sees of the employee, their role and capacity. */
export const UpdateEmployeeBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    position: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 120 })])),
    photoUrl: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 2048 })])),
    role: Type.Optional(Role),
    /** `null`: each group's default. */
    capacity: Type.Optional(Type.Union([Type.Null(), Capacity])),
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

/** `GET /v1/sites/:site/agreement?lang=`: `ru` or `en` (a longer tag such as `en-GB` is cut). */
export const AgreementQuery = Type.Object({
  lang: Type.Optional(
    Type.String({ description: "`ru` or `en`; anything else: the site's locale" }),
  ),
})
export type AgreementQuery = Static<typeof AgreementQuery>

/** `GET /v1/conversations?limit=`: the most recently updated first. */
export const ConversationListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
})
export type ConversationListQuery = Static<typeof ConversationListQuery>

/** `GET /v1/conversations/:id/events?after=&limit=`: events with `seq > after`, oldest first. */
export const ConversationEventsQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
})
export type ConversationEventsQuery = Static<typeof ConversationEventsQuery>

const TimeBound = (description: string) =>
  Type.Optional(Type.String({ description: `${description}: epoch ms or an ISO 8601 date` }))

/** `GET /v1/admin/sites/:site/scenarios/stats?from=&to=`. */
export const ScenarioStatsQuery = Type.Object({
  from: TimeBound('Inclusive; default: the beginning'),
  to: TimeBound('Exclusive; default: now'),
})
export type ScenarioStatsQuery = Static<typeof ScenarioStatsQuery>

/**
 * `POST /v1/admin/sites/:site/scenarios` and `PUT .../scenarios/:id`: a scenario without its
 * ids (they come from the URL; any in the body are ignored). The relay checks it itself,
 * field by field: 400 `field_invalid` with a JSON pointer per failed field
 * (`/conditions/all/0/seconds`), so Fastify does not check it against this schema first.
 */
export const ScenarioBody = Type.Omit(Scenario, ['id', 'siteId'], {
  description:
    'Checked field by field by the relay: 400 `field_invalid` names each failed field by its ' +
    'JSON pointer (`/conditions/all/0/seconds`); unknown keys are dropped.',
})
export type ScenarioBody = Static<typeof ScenarioBody>

/** `PUT /v1/admin/sites/:site/scenario-settings`, checked like `ScenarioBody`. */
export const ScenarioSettingsBody = Type.Composite([ScenarioSettings], {
  description: 'Checked field by field by the relay: 400 `field_invalid` with JSON pointers.',
})
export type ScenarioSettingsBody = Static<typeof ScenarioSettingsBody>

/** `POST /v1/auth/password`: a one-time link's token and the new password. */
export const SetPasswordBody = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 512 }),
  password: Type.String({ minLength: 8, maxLength: 1024 }),
})
export type SetPasswordBody = Static<typeof SetPasswordBody>
