import { Router } from '../router.ts'
import type { Decision, GroupConfig, RefusalCode, Result } from '../types.ts'

/** A round-robin group `id` with capacity 2 that queues when nobody is online; fields overridable. */
export function group(id: string, overrides: Partial<GroupConfig> = {}): GroupConfig {
  return {
    id,
    strategy: 'round_robin',
    capacity: 2,
    noAnswerMs: 30_000,
    fallbackGroupId: null,
    whenNobodyOnline: 'queue',
    ...overrides,
  }
}

/** A router with these groups (config plus members), and the `online` operators online. */
export function routerWith(
  groups: (GroupConfig & { members: string[] })[],
  online: string[] = [],
): Router {
  const router = new Router()
  for (const { members, ...config } of groups) {
    router.upsertGroup(config)
    router.setMembers(config.id, members)
  }
  for (const id of online) router.setStatus(id, 'online')
  return router
}

/** Decisions as short lines: `assigned c1 a g1 routed`, `queued c1 g1 routed all_full`, `positions g1 [c1,c2]`. */
export function log(decisions: readonly Decision[]): string[] {
  return decisions.map(line)
}

function line(d: Decision): string {
  switch (d.type) {
    case 'assigned':
      return `assigned ${d.conversationId} ${d.operatorId} ${d.groupId} ${d.reason}`
    case 'queued':
      return `queued ${d.conversationId} ${d.groupId} ${d.reason} ${d.wait}`
    case 'offline_form':
      return `offline_form ${d.conversationId} ${d.groupId} ${d.reason}`
    case 'unassigned':
      return `unassigned ${d.conversationId} ${d.operatorId} ${d.reason}`
    case 'positions':
      return `positions ${d.groupId} [${d.queue.join(',')}]`
  }
}

/** The log of a call that must succeed. */
export function ok(result: Result): string[] {
  if (!result.ok) throw new Error(`refused: ${result.code}`)
  return log(result.decisions)
}

/** The code of a call that must be refused. */
export function refused(result: Result): RefusalCode {
  if (result.ok) throw new Error(`not refused: ${log(result.decisions).join('; ')}`)
  return result.code
}
