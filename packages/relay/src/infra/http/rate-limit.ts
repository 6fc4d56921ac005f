import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { relayError } from '../errors.ts'

/** At most `max` requests per `windowMs` for one key. */
export interface RateRule {
  max: number
  windowMs: number
}

/**
 * A preHandler that counts the request against `rule` under `key(request)` (skipped when the
 * key is undefined) with `@fastify/rate-limit`'s store, and past it answers `rate_limited`
 * (429) with `Retry-After`. Several may guard one route (per address and per account):
 * each has its own count.
 */
export function rateLimited(
  app: FastifyInstance,
  what: string,
  rule: RateRule,
  key: (request: FastifyRequest) => string | undefined,
) {
  const check = app.createRateLimit({
    max: rule.max,
    timeWindow: rule.windowMs,
    keyGenerator: (request: FastifyRequest) => `${what}:${key(request) ?? ''}`,
  })
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (key(request) === undefined) return
    const result = await check(request)
    if (result.isAllowed || !result.isExceeded) return
    reply.header('retry-after', String(result.ttlInSeconds))
    throw relayError('rate_limited', `Too many ${what}; try again in ${result.ttlInSeconds} s`)
  }
}

/**
 * A limit on failures (wrong passwords): `check` refuses once `rule.max` failures were
 * counted under the key within the window, `fail` counts one. Successes never count, so
 * people who log in often are never locked out; a guesser is.
 */
export function failureLimit(
  app: FastifyInstance,
  what: string,
  rule: RateRule,
  key: (request: FastifyRequest) => string | undefined,
) {
  const limiter = app.createRateLimit({
    max: rule.max,
    timeWindow: rule.windowMs,
    keyGenerator: (request: FastifyRequest) => `${what}:${key(request) ?? ''}`,
  })
  return {
    check: async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      if (key(request) === undefined) return
      const result = await limiter(request, { increment: false })
      if (result.isAllowed || result.remaining > 0) return
      reply.header('retry-after', String(Math.max(1, result.ttlInSeconds)))
      throw relayError('rate_limited', `Too many ${what}; try again in ${result.ttlInSeconds} s`)
    },
    fail: async (request: FastifyRequest): Promise<void> => {
      if (key(request) !== undefined) await limiter(request)
    },
  }
}
