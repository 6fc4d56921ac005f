import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  CannedListReply,
  CannedReply,
  type CannedResponse,
  CreateCannedBody,
  IdParams,
  UpdateCannedBody,
} from '@parley/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { EMPLOYEE, errors, noContent } from '../../infra/http/openapi.ts'
import { randomId } from '../../infra/ids.ts'
import { requirePermission } from '../auth/guards.ts'
import type { CannedRecord } from './store.ts'

const tags = ['canned responses']
const common = { tags, security: EMPLOYEE }

function toResponse(record: CannedRecord): CannedResponse {
  return {
    id: record.id,
    shortcut: record.shortcut,
    text: record.text,
    scope: record.groupId ? 'group' : 'personal',
    ...(record.groupId && { groupId: record.groupId }),
    updatedAt: record.updatedAt,
  }
}

/**
 * Canned responses (`conversations:reply`): each operator keeps their own; a group's are
 * shared with its members and changed by those with `employees:manage` (admins). Another
 * operator's response is `canned_not_found` to you, as if it did not exist.
 */
export async function cannedRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { db, routingService: routing, config } = app
  const store = app.cannedStore
  const preHandler = requirePermission(app, 'conversations:reply')

  const manages = (request: FastifyRequest) => request.permissions!.has('employees:manage')

  /**
   * The response if the caller may change it. Someone else's own is `canned_not_found` (as if
   * it did not exist); a group's, without `employees:manage`, is `forbidden`.
   */
  async function changeable(request: FastifyRequest, id: string): Promise<CannedRecord> {
    const record = await store.get(id)
    if (!record || (record.ownerId && record.ownerId !== request.employee!.id)) {
      throw relayError('canned_not_found')
    }
    if (record.groupId && !manages(request)) throw relayError('forbidden')
    return record
  }

  app.get(
    '/v1/canned',
    {
      schema: {
        ...common,
        operationId: 'listCannedResponses',
        summary: 'Your canned responses and your groups’',
        description:
          'Needs `conversations:reply`. Your own first, then those shared with your groups (with `employees:manage`: every group’s), each by shortcut.',
        response: { 200: CannedListReply, ...errors('unauthorized', 'forbidden') },
      },
      preHandler,
    },
    async (request) => {
      const me = request.employee!.id
      const records = manages(request)
        ? [...(await store.listFor(me, [])), ...(await store.listShared())]
        : await store.listFor(me, [...routing.groupsOf(me)])
      return { responses: records.map(toResponse) }
    },
  )

  app.post(
    '/v1/canned',
    {
      schema: {
        ...common,
        operationId: 'createCannedResponse',
        summary: 'Add a canned response',
        description:
          'Needs `conversations:reply`; with `groupId`, also `employees:manage` (`forbidden`). A shortcut is unique among your own and within a group (`shortcut_taken`).',
        body: CreateCannedBody,
        response: {
          201: Type.Composite([CannedReply], { description: 'Created' }),
          ...errors(
            'bad_request',
            'unauthorized',
            'forbidden',
            'group_not_found',
            'shortcut_taken',
            'frame_too_large',
          ),
        },
      },
      preHandler,
    },
    async (request, reply) => {
      const { shortcut, text, groupId } = request.body
      if (groupId !== undefined) {
        if (!manages(request)) throw relayError('forbidden')
        if (!(await routing.catalog.get(groupId))) throw relayError('group_not_found')
      }
      const at = config.now()
      const record: CannedRecord = {
        id: randomId('k'),
        ownerId: groupId === undefined ? request.employee!.id : null,
        groupId: groupId ?? null,
        shortcut: shortcut.toLowerCase(),
        text: text.trim(),
        createdAt: at,
        updatedAt: at,
      }
      if (!(await db.transaction((tx) => store.create(tx, record)))) {
        throw relayError('shortcut_taken')
      }
      return reply.code(201).send({ response: toResponse(record) })
    },
  )

  app.patch(
    '/v1/canned/:id',
    {
      schema: {
        ...common,
        operationId: 'updateCannedResponse',
        summary: 'Change a canned response',
        description:
          'Needs `conversations:reply`: yours, or a group’s with `employees:manage` (`forbidden` without). Someone else’s own is `canned_not_found`. A key left out keeps its value.',
        params: IdParams,
        body: UpdateCannedBody,
        response: {
          200: CannedReply,
          ...errors(
            'bad_request',
            'unauthorized',
            'forbidden',
            'canned_not_found',
            'shortcut_taken',
            'frame_too_large',
          ),
        },
      },
      preHandler,
    },
    async (request) => {
      const record = await changeable(request, request.params.id)
      const next = {
        shortcut: request.body.shortcut?.toLowerCase() ?? record.shortcut,
        text: request.body.text?.trim() ?? record.text,
        at: config.now(),
      }
      if (!(await db.transaction((tx) => store.update(tx, record.id, next)))) {
        throw relayError('shortcut_taken')
      }
      return {
        response: toResponse({ ...record, ...next, updatedAt: next.at }),
      }
    },
  )

  app.delete(
    '/v1/canned/:id',
    {
      schema: {
        ...common,
        operationId: 'deleteCannedResponse',
        summary: 'Delete a canned response',
        description: 'Needs `conversations:reply`: yours, or a group’s with `employees:manage`.',
        params: IdParams,
        response: {
          204: noContent('Deleted'),
          ...errors('unauthorized', 'forbidden', 'canned_not_found'),
        },
      },
      preHandler,
    },
    async (request, reply) => {
      const record = await changeable(request, request.params.id)
      await db.transaction((tx) => store.delete(tx, record.id))
      return reply.code(204).send()
    },
  )
}
