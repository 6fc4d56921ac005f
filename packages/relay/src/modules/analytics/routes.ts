import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  AnalyticsQuery,
  ChannelQuery,
  ChannelReply,
  InviteVisitorReply,
  InviteVisitorRequest,
  MetricsReply,
  MonitorReply,
} from '@parley/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { EMPLOYEE, errors, withHeaders } from '../../infra/http/openapi.ts'
import { requirePermission } from '../auth/guards.ts'
import { channelsCsv, metricsCsv } from './csv.ts'
import type { AnalyticsViewer } from './service.ts'

const common = { tags: ['analytics'], security: EMPLOYEE }
const REFUSED = ['unauthorized', 'forbidden'] as const
const SCOPE =
  'Needs `analytics:read` (supervisors and admins; operators are refused: per-person numbers are for whoever runs the team). Without `conversations:read_all` it covers the groups you are a member of.'

const viewerOf = (request: FastifyRequest): AnalyticsViewer => ({
  id: request.employee!.id,
  permissions: request.permissions!,
})

const csvResponse = (what: string) =>
  withHeaders(
    {
      description: `A header row, one row per ${what}, then the total`,
      content: { 'text/csv': { schema: Type.String() } },
    } as never,
    { 'content-disposition': { description: '`attachment; filename="<report>-<from>-<to>.csv"`' } },
  )

function sendCsv(reply: FastifyReply, name: string, from: string, to: string, body: string) {
  reply.header('content-type', 'text/csv; charset=utf-8')
  reply.header('content-disposition', `attachment; filename="${name}-${from}-${to}.csv"`)
  reply.header('x-content-type-options', 'nosniff')
  return body
}

/**
 * `/v1/analytics/*`: operator metrics (`METRICS`), channel effectiveness, each as JSON and
 * CSV from the same function, and live monitoring. All need `analytics:read`; inviting a visitor
 * on a site now (proactive chat) needs `visitors:invite`.
 */
export async function analyticsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { analytics } = app
  const read = requirePermission(app, 'analytics:read')
  const metricsErrors = errors(
    'bad_request',
    'period_invalid',
    ...REFUSED,
    'site_not_found',
    'group_not_found',
    'employee_not_found',
  )

  app.get(
    '/v1/analytics/metrics',
    {
      schema: {
        ...common,
        operationId: 'getMetrics',
        summary: 'Operator metrics over a period, by operator, group, site, channel or day',
        description: `${SCOPE} The period is \`[from, to)\` in the site's time zone (UTC without \`siteId\`). Every metric is defined in \`docs/metrics.md\`; \`total\` adds up the rows.`,
        querystring: AnalyticsQuery,
        response: { 200: MetricsReply, ...metricsErrors },
      },
      // Before the query is validated: a caller who may not read learns nothing of the schema.
      preValidation: read,
    },
    (request) => analytics.metrics(viewerOf(request), request.query),
  )

  app.get(
    '/v1/analytics/metrics.csv',
    {
      schema: {
        ...common,
        operationId: 'exportMetricsCsv',
        summary: 'Operator metrics as CSV',
        description: `${SCOPE} The report of \`getMetrics\`, the same numbers: durations in seconds, shares 0..1. UTF-8 with a BOM; cells a spreadsheet would run as a formula start with \`'\`.`,
        querystring: AnalyticsQuery,
        response: { 200: csvResponse('operator, group, site, channel or day'), ...metricsErrors },
      },
      preValidation: read,
    },
    async (request, reply) => {
      const report = await analytics.metrics(viewerOf(request), request.query)
      return sendCsv(reply, 'metrics', report.period.from, report.period.to, metricsCsv(report))
    },
  )

  const channelErrors = errors('bad_request', 'period_invalid', ...REFUSED, 'site_not_found')

  app.get(
    '/v1/analytics/channels',
    {
      schema: {
        ...common,
        operationId: 'getChannelEffectiveness',
        summary: 'Channel effectiveness over a period',
        description: `${SCOPE} Conversations of every kind, leads, missed chats, first response and CSAT by channel, site, scenario (with invitations shown and clicked), page (without query) or \`utm_source\` of the page.`,
        querystring: ChannelQuery,
        response: { 200: ChannelReply, ...channelErrors },
      },
      preValidation: read,
    },
    (request) => analytics.channels(viewerOf(request), request.query),
  )

  app.get(
    '/v1/analytics/channels.csv',
    {
      schema: {
        ...common,
        operationId: 'exportChannelEffectivenessCsv',
        summary: 'Channel effectiveness as CSV',
        description: `${SCOPE} The report of \`getChannelEffectiveness\` as CSV (as \`exportMetricsCsv\`).`,
        querystring: ChannelQuery,
        response: { 200: csvResponse('channel, site, scenario, page or source'), ...channelErrors },
      },
      preValidation: read,
    },
    async (request, reply) => {
      const report = await analytics.channels(viewerOf(request), request.query)
      return sendCsv(reply, 'channels', report.period.from, report.period.to, channelsCsv(report))
    },
  )

  app.get(
    '/v1/analytics/live',
    {
      schema: {
        ...common,
        operationId: 'getMonitoring',
        summary: 'Monitoring: visitors on the sites now, and each group’s chats and queue',
        description: `${SCOPE} Only visitors whose widget connected are listed — those whose storage gate is open (consent, or a site that stores always); the others report nothing.`,
        querystring: Type.Object({
          siteId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        }),
        response: { 200: MonitorReply, ...errors('bad_request', ...REFUSED, 'site_not_found') },
      },
      preValidation: read,
    },
    (request) => analytics.monitor(viewerOf(request), request.query.siteId),
  )

  app.post(
    '/v1/analytics/live/invitations',
    {
      schema: {
        ...common,
        operationId: 'inviteVisitor',
        summary: 'Invite a visitor on a site now to a chat (proactive chat)',
        description:
          "Needs `visitors:invite` (supervisors and admins; operators are refused). Without `conversations:read_all`, only visitors of a site one of your groups serves. The visitor's widget shows `message` as your first message (name, position, photo); when they answer, the conversation opens with it as its first event, in your group on the site, and counts under the `proactive` scenario in channel effectiveness. Only a visitor whose widget is connected now can be invited (`visitor_offline`): the others never opened a socket (privacy default). `visitor_chatting`: they have an open chat already; a blank message is `text_empty`.",
        body: InviteVisitorRequest,
        response: {
          202: InviteVisitorReply,
          ...errors(
            'bad_request',
            'text_empty',
            ...REFUSED,
            'site_not_found',
            'employee_not_found',
            'visitor_offline',
            'visitor_chatting',
          ),
        },
      },
      preValidation: requirePermission(app, 'visitors:invite'),
    },
    async (request, reply) => {
      const sent = await app.invitations.invite(viewerOf(request), request.body)
      return reply.code(202).send(sent)
    },
  )
}
