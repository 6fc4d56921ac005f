import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  AgreementParams,
  AgreementVersionText,
  AuditPage,
  AuditQuery,
  ConsentEntry,
  ConsentPage,
  ConsentParams,
  ConsentQuery,
  Erasure,
  ReasonBody,
  Retention,
  RetentionParams,
  SubjectExport,
  SubjectList,
  SubjectParams,
  SubjectQuery,
} from '@parley/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { EMPLOYEE, errors, withHeaders } from '../../infra/http/openapi.ts'
import { requirePermission } from '../auth/guards.ts'
import { isSiteId } from '../sites/sites.ts'
import { consentsCsv } from './csv.ts'
import type { PrivacyActor } from './service.ts'
import { exportHtml } from './transcript.ts'

const common = { tags: ['privacy'], security: EMPLOYEE }
const READ = ['unauthorized', 'forbidden'] as const
/** Rows the CSV export holds at most (the register pages through the rest). */
const CSV_MAX_ROWS = 100_000

function actorOf(request: FastifyRequest): PrivacyActor {
  const employee = request.employee!
  return { id: employee.id, name: employee.name }
}

/** A file name part: what a visitor id or date may hold, nothing a header could choke on. */
const safeName = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '_')

/**
 * `/v1/privacy/*`: the consent register and audit log (`privacy:read`); agreement texts by
 * version, subjects (find, export, erase), withdrawal on request and retention
 * (`privacy:manage`).
 */
export async function privacyRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { privacy, sites, config } = app
  const read = requirePermission(app, 'privacy:read')
  const manage = requirePermission(app, 'privacy:manage')

  app.get(
    '/v1/privacy/consents',
    {
      schema: {
        ...common,
        operationId: 'listConsents',
        summary: 'The consent register',
        description:
          'Needs `privacy:read`. Newest first; `contact` matches the e-mail (any case) or the phone (any format) the visitor gave; `[from, to)` in epoch ms; page on with `nextCursor`.',
        querystring: ConsentQuery,
        response: { 200: ConsentPage, ...errors('bad_request', ...READ) },
      },
      preHandler: read,
    },
    async (request) => privacy.consents(request.query),
  )

  app.get(
    '/v1/privacy/consents.csv',
    {
      schema: {
        ...common,
        operationId: 'exportConsentsCsv',
        summary: 'The consent register as CSV',
        description:
          "Needs `privacy:read`. The filters of `listConsents` (no paging: every match, at most 100 000 rows). UTF-8 with a BOM for Excel; cells a spreadsheet would run as a formula start with `'`.",
        querystring: Type.Omit(ConsentQuery, ['cursor', 'limit']),
        response: {
          200: withHeaders(
            {
              description: 'A header row, then one row per consent',
              content: { 'text/csv': { schema: Type.String() } },
            } as never,
            {
              'content-disposition': {
                description: '`attachment; filename="consents-<date>.csv"`',
              },
            },
          ),
          ...errors('bad_request', ...READ),
        },
      },
      preHandler: read,
    },
    async (request, reply) => {
      const all = []
      let cursor: string | undefined
      do {
        const page = await privacy.consents({ ...request.query, cursor, limit: 500 })
        all.push(...page.consents)
        cursor = page.nextCursor ?? undefined
      } while (cursor && all.length < CSV_MAX_ROWS)
      const date = new Date(config.now()).toISOString().slice(0, 10)
      reply.header('content-type', 'text/csv; charset=utf-8')
      reply.header('content-disposition', `attachment; filename="consents-${date}.csv"`)
      reply.header('x-content-type-options', 'nosniff')
      return consentsCsv(all.slice(0, CSV_MAX_ROWS))
    },
  )

  app.get(
    '/v1/privacy/agreements/:siteId/:version',
    {
      schema: {
        ...common,
        operationId: 'getAgreementVersion',
        summary: 'The agreement text of a version',
        description:
          'Needs `privacy:read`. The text as rendered when that version was in force (ru, plain text), kept from the first time a consent was given to it or the agreement was set.',
        params: AgreementParams,
        response: { 200: AgreementVersionText, ...errors(...READ, 'agreement_not_found') },
      },
      preHandler: read,
    },
    async (request) => {
      const { siteId, version } = request.params
      const found = await privacy.agreement(siteId, version)
      if (!found) throw relayError('agreement_not_found')
      return { siteId, version, ...found }
    },
  )

  app.post(
    '/v1/privacy/consents/:id/withdraw',
    {
      schema: {
        ...common,
        operationId: 'withdrawConsent',
        summary: "Record a consent's withdrawal the visitor asked for",
        description:
          'Needs `privacy:manage`. The visitor withdrew by letter or phone: the consent is marked withdrawn by an admin (an earlier withdrawal stays as it was). Audit-logged with the reason.',
        params: ConsentParams,
        body: ReasonBody,
        response: {
          200: ConsentEntry,
          ...errors('bad_request', ...READ, 'consent_not_found', 'frame_too_large'),
        },
      },
      preHandler: manage,
    },
    async (request) => privacy.withdraw(request.params.id, request.body.reason, actorOf(request)),
  )

  app.get(
    '/v1/privacy/subjects',
    {
      schema: {
        ...common,
        operationId: 'findSubjects',
        summary: 'Find a visitor by id, e-mail or phone',
        description:
          "Needs `privacy:manage`. `query`: a visitor id, an e-mail (any case) or a phone in any format. Every site's visitors; at most 100.",
        querystring: SubjectQuery,
        response: { 200: SubjectList, ...errors('bad_request', ...READ) },
      },
      preHandler: manage,
    },
    async (request) => ({ subjects: await privacy.subjects(request.query.query ?? '') }),
  )

  for (const format of ['json', 'html'] as const) {
    app.get(
      `/v1/privacy/subjects/:siteId/:visitorId/${format === 'json' ? 'export' : 'export.html'}`,
      {
        schema: {
          ...common,
          operationId: format === 'json' ? 'exportSubject' : 'exportSubjectHtml',
          summary:
            format === 'json'
              ? 'Everything held about a visitor, as JSON'
              : 'Everything held about a visitor, as a readable HTML transcript',
          description:
            'Needs `privacy:manage`. The profile, attributes, consents, conversations with every event, callbacks, offline messages, ratings, engagements and every other row about the visitor (`tables`, as stored). A download; audit-logged.',
          params: SubjectParams,
          response: {
            200: withHeaders(
              format === 'json'
                ? SubjectExport
                : ({
                    description: 'A self-contained page, every value escaped',
                    content: { 'text/html': { schema: Type.String() } },
                  } as never),
              {
                'content-disposition': {
                  description: `\`attachment; filename="visitor-<id>.${format}"\``,
                },
              },
            ),
            ...errors(...READ, 'visitor_not_found'),
          },
        },
        preHandler: manage,
      },
      async (request, reply) => {
        const { siteId, visitorId } = request.params
        const data = await privacy.exportSubject(siteId, visitorId, actorOf(request), format)
        reply.header(
          'content-disposition',
          `attachment; filename="visitor-${safeName(visitorId)}.${format}"`,
        )
        reply.header('cache-control', 'no-store')
        reply.header('x-content-type-options', 'nosniff')
        if (format === 'json') return reply.send(data)
        reply.header('content-type', 'text/html; charset=utf-8')
        reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        return reply.send(exportHtml(data) as never)
      },
    )
  }

  app.post(
    '/v1/privacy/subjects/:siteId/:visitorId/erase',
    {
      schema: {
        ...common,
        operationId: 'eraseSubject',
        summary: "Erase a visitor's personal data",
        description:
          "Needs `privacy:manage`. In one transaction: every text of the visitor's conversations replaced by `[erased]`, contacts, names, pages, IPs, attributes and the profile removed, conversations kept (closed, without personal data) for operators' metrics and hidden from the console, consents kept as the record that consent was given and that the data was erased (`erased: true`, no IP), the visitor's tokens revoked and sockets closed. `reason` (1–500 characters) goes to the audit log: name the request, not the person. Erasing again changes nothing more.",
        params: SubjectParams,
        body: ReasonBody,
        response: {
          200: Erasure,
          ...errors('bad_request', ...READ, 'site_not_found', 'frame_too_large'),
        },
      },
      preHandler: manage,
    },
    async (request) => {
      const { siteId, visitorId } = request.params
      if (!(await sites.get(siteId))) throw relayError('site_not_found')
      return app.inflight.track(
        privacy.erase(siteId, visitorId, request.body.reason, actorOf(request)),
      )
    },
  )

  app.get(
    '/v1/privacy/audit',
    {
      schema: {
        ...common,
        operationId: 'listPrivacyAudit',
        summary: 'The privacy audit log',
        description:
          'Needs `privacy:read`. Exports, erasures, withdrawals, retention runs and settings that change what is collected, newest first.',
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errors('bad_request', ...READ) },
      },
      preHandler: read,
    },
    async (request) => privacy.auditLog(request.query.limit ?? 100, request.query.cursor),
  )

  const retentionSchema = {
    ...common,
    params: RetentionParams,
  }

  app.get(
    '/v1/privacy/retention/:siteId',
    {
      schema: {
        ...retentionSchema,
        operationId: 'getRetention',
        summary: "A site's retention periods",
        description: 'Needs `privacy:manage`. Days to keep; `null` keeps for ever (the default).',
        response: { 200: Retention, ...errors(...READ, 'site_not_found') },
      },
      preHandler: manage,
    },
    async (request) => {
      if (!(await sites.get(request.params.siteId))) throw relayError('site_not_found')
      return privacy.getRetention(request.params.siteId)
    },
  )

  app.put(
    '/v1/privacy/retention/:siteId',
    {
      schema: {
        ...retentionSchema,
        operationId: 'setRetention',
        summary: "Set a site's retention periods",
        description:
          'Needs `privacy:manage`. Conversations and visitor profiles older than their period (last activity) are erased as by `eraseSubject`, engagement events older than theirs are deleted, by a run at start and then hourly. 1–3650 days, or `null` to keep. Audit-logged.',
        body: Retention,
        response: {
          200: Retention,
          ...errors('bad_request', ...READ, 'site_not_found', 'frame_too_large'),
        },
      },
      preHandler: manage,
    },
    async (request) => {
      const { siteId } = request.params
      if (!isSiteId(siteId) || !(await sites.get(siteId))) throw relayError('site_not_found')
      return privacy.putRetention(siteId, request.body, actorOf(request))
    },
  )
}
