import { type Static, Type } from '@sinclair/typebox'
import { ChannelQuery, ChannelReply } from './analytics.ts'

/** A step of the funnel the widget counts itself (anonymously, without storing anything). */
export const FunnelStep = Type.Union([
  Type.Literal('visit'),
  Type.Literal('open'),
  Type.Literal('pick'),
])
export type FunnelStep = Static<typeof FunnelStep>

/**
 * `POST /v1/sites/:site/funnel`: one page view (`visit`), omni-button open (`open`) or
 * channel picked in its menu (`pick`, with `channel`). No visitor id, token or cookie: the
 * relay adds one to a daily counter and keeps the page's path and `utm_source` only.
 */
export const FunnelBeacon = Type.Object(
  {
    step: FunnelStep,
    page: Type.String({
      maxLength: 2048,
      description: 'The page (`location.href`); only its path and `utm_source` are kept',
    }),
    channel: Type.Optional(
      Type.String({
        pattern: '^[a-z]{1,16}$',
        description: 'The channel picked (`pick` only): chat, callback, telegram, vk, viber',
      }),
    ),
  },
  { additionalProperties: false },
)
export type FunnelBeacon = Static<typeof FunnelBeacon>

/** How a funnel report splits its rows. */
export const FunnelGroupBy = Type.Union([
  Type.Literal('site'),
  Type.Literal('channel'),
  Type.Literal('scenario'),
  Type.Literal('page'),
  Type.Literal('source'),
])
export type FunnelGroupBy = Static<typeof FunnelGroupBy>

export const FunnelQuery = Type.Object({
  from: ChannelQuery.properties.from,
  to: ChannelQuery.properties.to,
  siteId: ChannelQuery.properties.siteId,
  groupBy: Type.Optional(FunnelGroupBy),
})
export type FunnelQuery = Static<typeof FunnelQuery>

const Step = (description: string) =>
  Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description })

export const FunnelRow = Type.Object({
  key: Type.Union([Type.String(), Type.Null()]),
  label: Type.String(),
  visits: Step(
    'Page views counted by the widget; null where a row cannot have them (channel, scenario)',
  ),
  opens: Step('Omni-button opens; null for channel and scenario rows'),
  picks: Step('Channels picked in the omni-button menu; null for scenario rows'),
  conversations: Type.Integer({ minimum: 0, description: 'Conversations started (every kind)' }),
  leads: Type.Integer({
    minimum: 0,
    description: 'Conversations where the visitor left a phone or email',
  }),
  conversion: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
    description: 'leads / visits, null without visits',
  }),
})
export type FunnelRow = Static<typeof FunnelRow>

export const FunnelReply = Type.Object({
  period: ChannelReply.properties.period,
  groupBy: FunnelGroupBy,
  total: FunnelRow,
  rows: Type.Array(FunnelRow),
})
export type FunnelReply = Static<typeof FunnelReply>
