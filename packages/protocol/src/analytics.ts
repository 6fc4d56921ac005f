import { type Static, Type } from '@sinclair/typebox'
import { Id } from './common.ts'

/**
 * THE definitions of the operator metrics: one table, here. The relay computes each metric by
 * it (`modules/analytics`), the console labels its tiles, tables and CSV columns from it, and
 * `docs/metrics.md` repeats it word for word (a test compares them).
 *
 * Terms used below:
 * - a *chat* is a conversation of kind `chat` (callbacks and offline messages are leads, counted
 *   in channel effectiveness); it belongs to the period in which it was created.
 * - a *person* is an employee of kind `human`; a bot's messages are never responses.
 * - the *wait* starts when routing first met the chat (its first routing decision; its creation
 *   if it has none), or at the last bot message before a person's first answer if that is later;
 *   never after the person's first answer.
 * - the *owner* of a chat is the person who answered it first; an unanswered chat belongs to the
 *   last operator it was assigned to, or to nobody. Every chat is in exactly one operator row, so
 *   the rows add up to the total.
 */
export const METRICS = [
  {
    id: 'received',
    label: 'Received',
    unit: 'count',
    definition: 'Chats created in the period.',
  },
  {
    id: 'accepted',
    label: 'Accepted',
    unit: 'count',
    definition: 'Received chats a person answered (at least one message from a person).',
  },
  {
    id: 'missed',
    label: 'Missed',
    unit: 'count',
    definition: 'Received chats closed without any message from a person.',
  },
  {
    id: 'waiting',
    label: 'Waiting',
    unit: 'count',
    definition:
      'Received chats still open with no message from a person yet; received = accepted + missed + waiting.',
  },
  {
    id: 'transferred',
    label: 'Transferred',
    unit: 'count',
    definition: 'Received chats transferred at least once (to an operator or a group).',
  },
  {
    id: 'firstResponseFromAssignment',
    label: 'First response from assignment',
    unit: 'ms',
    definition:
      "Mean over accepted chats of: the owner's first message minus the owner's latest assignment before it (the start of the wait when the owner was never assigned).",
  },
  {
    id: 'firstResponseFromQueue',
    label: 'First response from queue',
    unit: 'ms',
    definition:
      "Mean over accepted chats of: the owner's first message minus the start of the wait (bot time excluded).",
  },
  {
    id: 'responseTime',
    label: 'Average response time',
    unit: 'ms',
    definition:
      "Mean over every person's message that follows visitor messages of: its time minus the first of those visitor messages (no earlier than the start of the wait). Bot messages neither answer nor interrupt.",
  },
  {
    id: 'handleTime',
    label: 'Handle time',
    unit: 'ms',
    definition:
      "Mean over accepted chats closed by now of: the close minus the owner's latest assignment before their first message (the start of the wait when never assigned).",
  },
  {
    id: 'resolutionTime',
    label: 'Resolution time',
    unit: 'ms',
    definition: 'Mean over accepted chats closed by now of: the close minus the start of the wait.',
  },
  {
    id: 'csat',
    label: 'CSAT',
    unit: 'share',
    definition:
      'Closed accepted chats the visitor rated 4 or 5, divided by closed accepted chats the visitor rated.',
  },
  {
    id: 'ratingResponse',
    label: 'Rating response rate',
    unit: 'share',
    definition: 'Closed accepted chats the visitor rated, divided by closed accepted chats.',
  },
  {
    id: 'timeOnline',
    label: 'Time online',
    unit: 'ms',
    definition:
      "Time within the period the operator's status was online (a socket open, not paused, not away). Operator rows only.",
  },
  {
    id: 'timePaused',
    label: 'Time on pause',
    unit: 'ms',
    definition:
      "Time within the period the operator's status was pause (a socket open). Operator rows only.",
  },
] as const satisfies readonly {
  id: string
  label: string
  unit: 'count' | 'ms' | 'share'
  definition: string
}[]

export type MetricId = (typeof METRICS)[number]['id']

/** How a report splits its rows. `day`: the site's calendar days of the period. */
export const AnalyticsGroupBy = Type.Union([
  Type.Literal('operator'),
  Type.Literal('group'),
  Type.Literal('site'),
  Type.Literal('channel'),
  Type.Literal('day'),
])
export type AnalyticsGroupBy = Static<typeof AnalyticsGroupBy>

const LocalDate = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: "A calendar date in the site's time zone, `YYYY-MM-DD`",
})

/** The query of every analytics report: a period `[from, to)` of local dates and filters. */
export const AnalyticsQuery = Type.Object({
  from: LocalDate,
  to: Type.String({
    ...LocalDate,
    description:
      "The first date NOT in the period (`[from, to)`), `YYYY-MM-DD` in the site's time zone; at most 366 days after `from`",
  }),
  siteId: Type.Optional(Id),
  groupId: Type.Optional(Id),
  operatorId: Type.Optional(Id),
  groupBy: Type.Optional(AnalyticsGroupBy),
})
export type AnalyticsQuery = Static<typeof AnalyticsQuery>

const Ms = Type.Union([Type.Integer(), Type.Null()], {
  description: 'Milliseconds; null when nothing was measured',
})
const Share = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
  description: '0..1; null when nothing was measured',
})
const Count = Type.Integer({ minimum: 0 })

/** One row (or the total) of an operator-metrics report, by `METRICS`. */
export const MetricsRow = Type.Object({
  key: Type.Union([Type.String(), Type.Null()], {
    description:
      'The operator, group, site or channel id, or the day (`YYYY-MM-DD`); null: nobody / no group',
  }),
  label: Type.String(),
  received: Count,
  accepted: Count,
  missed: Count,
  waiting: Count,
  transferred: Count,
  firstResponseFromAssignment: Ms,
  firstResponseFromQueue: Ms,
  responseTime: Ms,
  handleTime: Ms,
  resolutionTime: Ms,
  csat: Share,
  ratingResponse: Share,
  rated: Count,
  timeOnline: Ms,
  timePaused: Ms,
})
export type MetricsRow = Static<typeof MetricsRow>

const Period = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timeZone: Type.String({ description: 'The zone the dates are in: the site’s, or UTC' }),
  fromAt: Type.Integer({ description: 'The first instant of the period (epoch ms)' }),
  toAt: Type.Integer({ description: 'The first instant after it (epoch ms)' }),
})

export const MetricsReply = Type.Object({
  period: Period,
  groupBy: AnalyticsGroupBy,
  total: MetricsRow,
  rows: Type.Array(MetricsRow),
})
export type MetricsReply = Static<typeof MetricsReply>

/** How a channel-effectiveness report splits its rows. */
export const ChannelGroupBy = Type.Union([
  Type.Literal('channel'),
  Type.Literal('site'),
  Type.Literal('scenario'),
  Type.Literal('page'),
  Type.Literal('source'),
])
export type ChannelGroupBy = Static<typeof ChannelGroupBy>

export const ChannelQuery = Type.Object({
  from: AnalyticsQuery.properties.from,
  to: AnalyticsQuery.properties.to,
  siteId: Type.Optional(Id),
  groupBy: Type.Optional(ChannelGroupBy),
})
export type ChannelQuery = Static<typeof ChannelQuery>

export const ChannelRow = Type.Object({
  key: Type.Union([Type.String(), Type.Null()]),
  label: Type.String(),
  impressions: Type.Union([Count, Type.Null()], {
    description: 'Scenario invitations shown (scenario rows and the total only)',
  }),
  clicks: Type.Union([Count, Type.Null()], {
    description: 'Scenario invitations clicked (scenario rows and the total only)',
  }),
  conversations: Count,
  chats: Count,
  callbacks: Count,
  offline: Count,
  leads: Type.Integer({
    minimum: 0,
    description: 'Conversations where the visitor left a phone or email',
  }),
  missed: Count,
  firstResponseFromQueue: Ms,
  csat: Share,
  rated: Count,
})
export type ChannelRow = Static<typeof ChannelRow>

export const ChannelReply = Type.Object({
  period: Period,
  groupBy: ChannelGroupBy,
  total: ChannelRow,
  rows: Type.Array(ChannelRow),
})
export type ChannelReply = Static<typeof ChannelReply>

/** One visitor on a site now, as the monitoring screen shows them. */
export const LiveVisitor = Type.Object({
  visitorId: Id,
  siteId: Id,
  page: Type.Union([Type.String(), Type.Null()]),
  title: Type.Union([Type.String(), Type.Null()]),
  since: Type.Integer({ description: 'When this visit began (epoch ms)' }),
  pages: Type.Integer({ minimum: 0, description: 'Page loads reported in this visit' }),
  region: Type.Union([Type.String(), Type.Null()]),
  source: Type.Union([Type.String(), Type.Null()], {
    description: '`utm_source` of the first page, else the referrer host, else null (direct)',
  }),
  engaged: Type.Boolean({ description: 'A scenario invitation led to a conversation of theirs' }),
  chatting: Type.Boolean({ description: 'They have an open conversation' }),
})
export type LiveVisitor = Static<typeof LiveVisitor>

export const LiveGroup = Type.Object({
  groupId: Id,
  siteId: Id,
  name: Type.String(),
  open: Count,
  waiting: Count,
  longestWaitMs: Type.Union([Type.Integer(), Type.Null()]),
})

export const MonitorReply = Type.Object({
  at: Type.Integer(),
  visitors: Type.Array(LiveVisitor),
  groups: Type.Array(LiveGroup),
})
export type MonitorReply = Static<typeof MonitorReply>

/**
 * The `scenarioId` a proactive chat is counted under: its conversion (channel effectiveness by
 * scenario), each invitation sent (an impression) and the invitation event's
 * `data.scenarioId`. It is no stored scenario's id.
 */
export const PROACTIVE_SCENARIO = 'proactive'

/** `POST /v1/analytics/live/invitations`: invite a visitor on a site now to a chat. */
export const InviteVisitorRequest = Type.Object(
  {
    siteId: Id,
    visitorId: Id,
    message: Type.String({
      minLength: 1,
      maxLength: 1000,
      description: 'What the visitor reads, as your first message (text only)',
    }),
  },
  { additionalProperties: false },
)
export type InviteVisitorRequest = Static<typeof InviteVisitorRequest>

export const InviteVisitorReply = Type.Object({
  id: Type.String({ description: 'The invitation; the conversation it opens starts with it' }),
  at: Type.Integer({ description: 'When it was sent (epoch ms)' }),
})
export type InviteVisitorReply = Static<typeof InviteVisitorReply>
