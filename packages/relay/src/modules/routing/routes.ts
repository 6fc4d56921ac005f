import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  CreateGroupBody,
  GroupListReply,
  GroupReply,
  IdParams,
  RoutingLogReply,
  SiteParams,
  TeamReply,
  UpdateGroupBody,
} from '@parley/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { EMPLOYEE, errors, noContent } from '../../infra/http/openapi.ts'
import { randomId } from '../../infra/ids.ts'
import { requirePermission } from '../auth/guards.ts'
import type { OperatorActor } from '../conversations/actor.ts'

const tags = ['groups']

/**
 * Operator groups: any operator lists a site's groups (to transfer to one);
 * `employees:manage` creates, changes and deletes them. Routing follows each change at once.
 */
export async function groupRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { routingService: routing, sites, conversations, config, employees } = app
  const read = requirePermission(app, 'conversations:read')
  const manage = requirePermission(app, 'employees:manage')

  app.get(
    '/v1/admin/sites/:site/groups',
    {
      schema: {
        tags,
        security: EMPLOYEE,
        operationId: 'listGroups',
        summary: "A site's operator groups",
        description:
          'Needs `conversations:read` (operators pick transfer targets here). The default group comes first.',
        params: SiteParams,
        response: { 200: GroupListReply, ...errors('unauthorized', 'forbidden', 'site_not_found') },
      },
      preHandler: read,
    },
    async (request) => {
      if (!(await sites.get(request.params.site))) throw relayError('site_not_found')
      return { groups: await routing.catalog.list(request.params.site) }
    },
  )

  app.post(
    '/v1/admin/sites/:site/groups',
    {
      schema: {
        tags,
        security: EMPLOYEE,
        operationId: 'createGroup',
        summary: 'Add an operator group',
        description:
          'Needs `employees:manage`. Defaults: `round_robin`, capacity 5, 60 s to answer, `queue` when nobody is online, no members.',
        params: SiteParams,
        body: CreateGroupBody,
        response: {
          201: Type.Composite([GroupReply], { description: 'Created' }),
          ...errors(
            'bad_request',
            'field_invalid',
            'unauthorized',
            'forbidden',
            'site_not_found',
            'frame_too_large',
          ),
        },
      },
      preHandler: manage,
    },
    async (request, reply) => {
      const { site } = request.params
      if (!(await sites.get(site))) throw relayError('site_not_found')
      const { members, ...body } = request.body
      await routing.defaultGroup(site)
      const group = await routing.saveGroup(
        {
          id: randomId('g'),
          siteId: site,
          strategy: 'round_robin',
          capacity: 5,
          noAnswerSeconds: 60,
          fallbackGroupId: null,
          whenNobodyOnline: 'queue',
          ...body,
          name: body.name.trim(),
          isDefault: false,
          createdAt: config.now(),
        },
        members ?? [],
        false,
      )
      return reply.code(201).send({ group })
    },
  )

  app.patch(
    '/v1/admin/groups/:id',
    {
      schema: {
        tags,
        security: EMPLOYEE,
        operationId: 'updateGroup',
        summary: 'Change a group: settings or members',
        description:
          'Needs `employees:manage`. A key left out keeps its value; `members` replaces the list (its order is the round-robin order). A member taken out keeps the conversations they have.',
        params: IdParams,
        body: UpdateGroupBody,
        response: {
          200: GroupReply,
          ...errors(
            'bad_request',
            'field_invalid',
            'unauthorized',
            'forbidden',
            'group_not_found',
            'frame_too_large',
          ),
        },
      },
      preHandler: manage,
    },
    async (request) => {
      const current = await routing.catalog.get(request.params.id)
      if (!current) throw relayError('group_not_found')
      const { members, ...patch } = request.body
      const { members: _, ...stored } = current
      const group = await routing.saveGroup(
        { ...stored, ...patch, ...(patch.name !== undefined && { name: patch.name.trim() }) },
        members,
        true,
      )
      return { group }
    },
  )

  app.delete(
    '/v1/admin/groups/:id',
    {
      schema: {
        tags,
        security: EMPLOYEE,
        operationId: 'deleteGroup',
        summary: 'Delete a group',
        description:
          "Needs `employees:manage`. Not a site's default group (`default_group`), nor one with open conversations (`group_not_empty`: transfer or close them first). Groups that fell back to it stop falling back.",
        params: IdParams,
        response: {
          204: noContent('Deleted'),
          ...errors(
            'unauthorized',
            'forbidden',
            'group_not_found',
            'default_group',
            'group_not_empty',
          ),
        },
      },
      preHandler: manage,
    },
    async (request, reply) => {
      await routing.deleteGroup(request.params.id)
      return reply.code(204).send()
    },
  )

  app.get(
    '/v1/team',
    {
      schema: {
        tags,
        security: EMPLOYEE,
        operationId: 'getTeam',
        summary: 'The team board: every active employee, their status and load',
        description:
          'Needs `conversations:read`: every operator sees who is online, paused or away and how many conversations each has open — whom to transfer to.',
        response: { 200: TeamReply, ...errors('unauthorized', 'forbidden') },
      },
      preHandler: read,
    },
    async () => ({
      members: (await employees.list())
        .filter((e) => e.active)
        .map((e) => ({
          id: e.id,
          name: e.name,
          ...(e.position && { position: e.position }),
          ...(e.photoUrl && { photoUrl: e.photoUrl }),
          role: e.role,
          kind: e.kind,
          status: e.kind === 'bot' ? ('online' as const) : routing.statuses.status(e.id),
          open: routing.load(e.id),
          capacity: e.capacity,
          groups: [...routing.groupsOf(e.id)],
        })),
    }),
  )

  app.get(
    '/v1/conversations/:id/routing',
    {
      schema: {
        tags: ['conversations'],
        security: EMPLOYEE,
        operationId: 'getConversationRouting',
        summary: "A conversation's routing decisions",
        description:
          'Needs `conversations:read` and a conversation you may see. Assignments, requeues, timeouts and transfers with their notes — never shown to the visitor.',
        params: IdParams,
        response: {
          200: RoutingLogReply,
          ...errors('unauthorized', 'forbidden', 'conversation_not_found'),
        },
      },
      preHandler: read,
    },
    async (request) => {
      const { id, name } = request.employee!
      const viewer: OperatorActor = {
        kind: 'operator',
        id,
        name,
        permissions: request.permissions!,
      }
      await conversations.authorise(viewer, request.params.id)
      const entries = (await routing.routingLog(request.params.id)).map(
        ({ conversationId, ...entry }) => entry,
      )
      return { entries }
    },
  )
}
