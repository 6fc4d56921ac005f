import { type Static, Type } from '@sinclair/typebox'

/**
 * Engagement scenarios: proactive invitations chosen in the visitor's browser
 * by `@parley/scenarios`. Edited through the relay's admin API; every field
 * below is checked there (and a `regex` pattern must also pass `isSafeRegex`).
 */

const Name = Type.String({ minLength: 1, maxLength: 120 })
const Group = Type.String({ minLength: 1, maxLength: 64 })
const Seconds = Type.Integer({ minimum: 0, maximum: 86_400 })
const Days = Type.Integer({ minimum: 1, maximum: 3650 })

/**
 * A page or referrer pattern. A value starting with `/` is matched against the
 * path (`location.pathname`), anything else against the full URL.
 * `wildcard`: `*` matches any run of characters, nothing else is special.
 * `regex`: a JavaScript regular expression source (no flags), accepted only
 * when `isSafeRegex` says so.
 */
export const PagePattern = Type.Object({
  type: Type.Union([
    Type.Literal('exact'),
    Type.Literal('prefix'),
    Type.Literal('wildcard'),
    Type.Literal('regex'),
  ]),
  value: Type.String({ minLength: 1, maxLength: 512 }),
})
export type PagePattern = Static<typeof PagePattern>

/** Pages to include (none listed: every page) and to exclude (wins over include). */
export const ScenarioWhere = Type.Object({
  include: Type.Array(PagePattern, { maxItems: 50 }),
  exclude: Type.Array(PagePattern, { maxItems: 50 }),
})
export type ScenarioWhere = Static<typeof ScenarioWhere>

/** ISO 3166-1 alpha-2 country, optional ISO 3166-2 subdivision (`MOW` or `RU-MOW`). */
export const RegionCondition = Type.Object({
  type: Type.Literal('region'),
  country: Type.String({ pattern: '^[A-Za-z]{2}$' }),
  region: Type.Optional(Type.String({ minLength: 1, maxLength: 10 })),
})
/** Time since the session started ≥ `seconds`. */
export const TimeOnSiteCondition = Type.Object({
  type: Type.Literal('timeOnSite'),
  seconds: Seconds,
})
/** Time on the current page ≥ `seconds`. */
export const TimeOnPageCondition = Type.Object({
  type: Type.Literal('timeOnPage'),
  seconds: Seconds,
})
/** Pages viewed in this session (the current one included) ≥ `count`. */
export const PagesViewedCondition = Type.Object({
  type: Type.Literal('pagesViewed'),
  count: Type.Integer({ minimum: 1, maximum: 1000 }),
})
/** The document referrer matches; no referrer never matches. */
export const ReferrerCondition = Type.Object({
  type: Type.Literal('referrer'),
  pattern: PagePattern,
})
const UtmValue = Type.String({ minLength: 1, maxLength: 200 })
/**
 * Each given field matches the visit's UTM value (case-insensitive, `*`
 * wildcards). With no field given: the visit has any UTM value.
 */
export const UtmCondition = Type.Object({
  type: Type.Literal('utm'),
  source: Type.Optional(UtmValue),
  medium: Type.Optional(UtmValue),
  campaign: Type.Optional(UtmValue),
})
export const DeviceCondition = Type.Object({
  type: Type.Literal('device'),
  device: Type.Union([Type.Literal('desktop'), Type.Literal('mobile')]),
})
export const VisitorCondition = Type.Object({
  type: Type.Literal('visitor'),
  visitor: Type.Union([Type.Literal('new'), Type.Literal('returning')]),
})
export const ScheduleDay = Type.Union([
  Type.Literal('mon'),
  Type.Literal('tue'),
  Type.Literal('wed'),
  Type.Literal('thu'),
  Type.Literal('fri'),
  Type.Literal('sat'),
  Type.Literal('sun'),
])
export type ScheduleDay = Static<typeof ScheduleDay>
const Clock = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' })
/**
 * On the given days, from `from` (inclusive) to `to` (exclusive), wall time in
 * `timeZone` (IANA name). `to` before `from` spans midnight (the day is the
 * one the span starts on); `from` equal to `to` is the whole day.
 */
export const ScheduleCondition = Type.Object({
  type: Type.Literal('schedule'),
  days: Type.Array(ScheduleDay, { minItems: 1, maxItems: 7, uniqueItems: true }),
  from: Clock,
  to: Clock,
  timeZone: Type.String({ minLength: 1, maxLength: 64 }),
})
/** An operator of `group` (any group when omitted) is online. */
export const OperatorsOnlineCondition = Type.Object({
  type: Type.Literal('operatorsOnline'),
  group: Type.Optional(Group),
})
export const NoOpenConversationCondition = Type.Object({
  type: Type.Literal('noOpenConversation'),
})
/** The pointer left through the top of the window (desktop). */
export const ExitIntentCondition = Type.Object({ type: Type.Literal('exitIntent') })
/** The site fired `Parley('track', name)` in this session. */
export const CustomEventCondition = Type.Object({
  type: Type.Literal('customEvent'),
  name: Type.String({ minLength: 1, maxLength: 64 }),
})

export const Condition = Type.Union([
  RegionCondition,
  TimeOnSiteCondition,
  TimeOnPageCondition,
  PagesViewedCondition,
  ReferrerCondition,
  UtmCondition,
  DeviceCondition,
  VisitorCondition,
  ScheduleCondition,
  OperatorsOnlineCondition,
  NoOpenConversationCondition,
  ExitIntentCondition,
  CustomEventCondition,
])
export type Condition = Static<typeof Condition>
export type ConditionType = Condition['type']

const Conditions = Type.Array(Condition, { maxItems: 30 })
const exact = { additionalProperties: false }
/** A group of plain conditions: the nested level. */
export const InnerConditionGroup = Type.Union([
  Type.Object({ all: Conditions }, exact),
  Type.Object({ any: Conditions }, exact),
])
export type InnerConditionGroup = Static<typeof InnerConditionGroup>

const Members = Type.Array(Type.Union([Condition, InnerConditionGroup]), { maxItems: 30 })
/** `all` (an empty `all` is true) or `any` (an empty `any` is false), nested one level. */
export const ConditionGroup = Type.Union([
  Type.Object({ all: Members }, exact),
  Type.Object({ any: Members }, exact),
])
export type ConditionGroup = Static<typeof ConditionGroup>

const Message = Type.String({ minLength: 1, maxLength: 1000 })
export const InvitationOperator = Type.Object({
  name: Name,
  position: Type.Optional(Type.String({ maxLength: 120 })),
  photoUrl: Type.Optional(Type.String({ maxLength: 2048, pattern: '^(https?:)?//' })),
})
export type InvitationOperator = Static<typeof InvitationOperator>

/** What the visitor sees when the scenario fires. */
export const ScenarioAction = Type.Union([
  Type.Object({
    type: Type.Literal('openChat'),
    message: Message,
    operator: InvitationOperator,
  }),
  Type.Object({
    type: Type.Literal('bubble'),
    message: Message,
    operator: Type.Optional(InvitationOperator),
  }),
  Type.Object({ type: Type.Literal('openCallback') }),
  Type.Object({ type: Type.Literal('pulse') }),
])
export type ScenarioAction = Static<typeof ScenarioAction>

/** Frequency caps; all given ones must hold. */
export const ScenarioRules = Type.Object({
  oncePerSession: Type.Optional(Type.Boolean()),
  /** Not again within this many days of the last impression. */
  oncePerDays: Type.Optional(Days),
  /** At most this many impressions ever (per visitor storage). */
  maxTimes: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  /** Not again within this many days after the visitor dismissed it. */
  cooldownAfterDismissDays: Type.Optional(Days),
})
export type ScenarioRules = Static<typeof ScenarioRules>

export const Scenario = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  siteId: Type.String({ minLength: 1, maxLength: 64 }),
  name: Name,
  enabled: Type.Boolean(),
  /** Higher wins when several match; ties go to the earlier in the list. */
  priority: Type.Integer({ minimum: -1000, maximum: 1000 }),
  where: ScenarioWhere,
  conditions: ConditionGroup,
  action: ScenarioAction,
  /** Conditions must hold this long before the invitation shows. @default 0 */
  delaySeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
  rules: ScenarioRules,
  /** Where the resulting conversation or callback goes. */
  routing: Type.Object({ group: Group }),
})
export type Scenario = Static<typeof Scenario>

/** Site-wide settings for scenarios. */
export const ScenarioSettings = Type.Object({
  /** Least time between two invitations, any scenario. */
  minGapSeconds: Type.Integer({ minimum: 0, maximum: 7 * 86_400 }),
})
export type ScenarioSettings = Static<typeof ScenarioSettings>
