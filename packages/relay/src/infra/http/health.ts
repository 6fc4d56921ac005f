import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { HealthReply, PROTOCOL_VERSION } from '@parley/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'

/** The relay package version, reported by `/healthz`. */
export const RELAY_VERSION = '0.1.0'

/** `GET /healthz`: 200 while serving, 503 once shutdown has begun. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/healthz',
    {
      schema: {
        operationId: 'health',
        summary: 'Whether the relay is serving',
        tags: ['relay'],
        security: [],
        response: {
          200: Type.Composite([HealthReply], { description: 'Serving' }),
          503: Type.Composite([HealthReply], { description: 'Shutting down' }),
        },
      },
    },
    async (_request, reply) => {
      const shuttingDown = app.lifecycle.shuttingDown
      return reply.code(shuttingDown ? 503 : 200).send({
        status: shuttingDown ? 'shutting_down' : 'ok',
        version: RELAY_VERSION,
        protocol: PROTOCOL_VERSION,
      })
    },
  )
}
