import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  IdParams,
  type VisitorCardReply,
  VisitorCardReply as VisitorCardSchema,
} from '@parley/protocol'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { EMPLOYEE, errors } from '../../infra/http/openapi.ts'
import { requirePermission } from '../auth/guards.ts'
import type { OperatorActor } from '../conversations/actor.ts'

/** Pages and earlier conversations the card lists at most. */
const CARD_LIST_LIMIT = 20

function viewerOf(request: FastifyRequest): OperatorActor {
  const { id, name } = request.employee!
  return { kind: 'operator', id, name, permissions: request.permissions! }
}

/**
 * `GET /v1/conversations/:id/visitor`: the visitor card — profile, pages, region, UTM source,
 * the scenario that engaged them, consents and their other conversations. Whoever may see
 * the conversation may read its card; everyone else gets `conversation_not_found`, as for
 * the conversation itself. Earlier conversations the caller may not see are left out.
 */
export async function visitorCardRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { conversations, visitorProfiles, attribution } = app

  app.get(
    '/v1/conversations/:id/visitor',
    {
      schema: {
        tags: ['conversations'],
        security: EMPLOYEE,
        operationId: 'getVisitorCard',
        summary:
          "The conversation's visitor: profile, pages, region, consents, other conversations",
        description:
          'Needs `conversations:read`, and the conversation must be visible to you; otherwise `conversation_not_found`. Other conversations of the visitor that you may not see are left out.',
        params: IdParams,
        response: {
          200: VisitorCardSchema,
          ...errors('bad_request', 'unauthorized', 'forbidden', 'conversation_not_found'),
        },
      },
      preHandler: requirePermission(app, 'conversations:read'),
    },
    async (request): Promise<VisitorCardReply> => {
      const viewer = viewerOf(request)
      const conversation = await conversations.authorise(viewer, request.params.id)
      const { siteId, visitorId } = conversation
      const [profile, visits, consents, engaged, theirs] = await Promise.all([
        visitorProfiles.get(siteId, visitorId),
        visitorProfiles.visits(siteId, visitorId, CARD_LIST_LIMIT),
        visitorProfiles.listConsents(siteId, visitorId),
        attribution.engagedBy(siteId, conversation.id),
        conversations.visitorConversations(siteId, visitorId),
      ])
      const card: VisitorCardReply = {
        visitor: {
          id: visitorId,
          verified: profile?.verified ?? false,
          attributes: profile?.attributes ?? {},
        },
        channel: conversation.channel ?? 'web',
        pages: visits.map((v) => ({ url: v.url, ...(v.title && { title: v.title }), at: v.at })),
        consents: consents.map((c) => ({
          agreementVersion: c.agreementVersion,
          form: c.form,
          at: c.at,
          ...(c.withdrawnAt !== undefined && { withdrawnAt: c.withdrawnAt }),
        })),
        conversations: theirs
          .filter((c) => c.id !== conversation.id && conversations.visibleTo(viewer, c))
          .slice(0, CARD_LIST_LIMIT)
          .map((c) => ({
            id: c.id,
            kind: c.kind ?? 'chat',
            status: c.status,
            createdAt: c.createdAt,
            ...(c.lastText !== undefined && { lastText: c.lastText }),
          })),
      }
      // The conversation's own contact (a form's) wins over the profile's, as in its summary.
      const name = conversation.visitorName ?? profile?.name
      const phone = conversation.visitorPhone ?? profile?.phone
      const email = conversation.visitorEmail ?? profile?.email
      if (name) card.visitor.name = name
      if (phone) card.visitor.phone = phone
      if (email) card.visitor.email = email
      if (profile?.userId) card.visitor.userId = profile.userId
      const [latest] = card.pages
      if (latest) card.currentPage = latest
      const newest = visits[0]
      if (newest?.country) {
        card.region = { country: newest.country, ...(newest.region && { region: newest.region }) }
      }
      const utm = visits.find((v) => v.utmSource)?.utmSource
      if (utm) card.utmSource = utm
      const referrer = visits.find((v) => v.referrer)?.referrer
      if (referrer) card.referrer = referrer
      if (engaged) card.scenario = engaged
      return card
    },
  )
}
