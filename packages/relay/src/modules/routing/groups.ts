import type { FieldError } from '@parley/protocol'
import type { UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { fieldError, relayError } from '../../infra/errors.ts'
import { randomId } from '../../infra/ids.ts'
import type { EmployeeService } from '../employees/service.ts'
import type { EmployeeRecord } from '../employees/store.ts'
import type { GroupRecord, GroupStore } from './store.ts'

/** A group with its members' ids, in round-robin order. */
export type GroupWithMembers = GroupRecord & { members: string[] }

/** People are routed; bots answer through their tokens but are never given conversations. */
export function isRoutable(employee: EmployeeRecord): boolean {
  return isPerson(employee) && employee.active
}

function isPerson(employee: EmployeeRecord): boolean {
  return employee.kind === 'human'
}

/**
 * Groups as stored: each site's default group, the console's list, create, change and delete
 * with their checks. It writes; `RoutingService` reloads the router after each change.
 */
export class GroupCatalog {
  constructor(
    private readonly options: {
      db: UnitOfWork
      store: GroupStore
      employees: EmployeeService
      now: () => number
    },
  ) {}

  /** The site's default group, created with every active person in it when it has none. */
  async defaultGroup(siteId: string): Promise<GroupRecord> {
    const { db, store, employees, now } = this.options
    const existing = (await store.list(siteId)).find((g) => g.isDefault)
    if (existing) return existing
    const people = (await employees.list()).filter(isRoutable)
    const group: GroupRecord = {
      id: randomId('g'),
      siteId,
      name: 'General',
      strategy: 'round_robin',
      capacity: 5,
      noAnswerSeconds: 60,
      fallbackGroupId: null,
      whenNobodyOnline: 'queue',
      isDefault: true,
      createdAt: now(),
    }
    await db.transaction(async (tx) => {
      await store.create(tx, group)
      await store.setMembers(
        tx,
        group.id,
        people.map((p) => p.id),
      )
    })
    return group
  }

  /**
   * Groups of a site with their members, the default group first, then by creation (its
   * default group is created if it has none).
   */
  async list(siteId: string): Promise<GroupWithMembers[]> {
    await this.defaultGroup(siteId)
    const members = await this.options.store.members()
    return (await this.options.store.list(siteId))
      .map((g) => ({ ...g, members: members.get(g.id) ?? [] }))
      .sort((a, b) => Number(b.isDefault) - Number(a.isDefault))
  }

  async get(id: string): Promise<GroupWithMembers | undefined> {
    const group = await this.options.store.get(id)
    if (!group) return undefined
    return { ...group, members: (await this.options.store.members()).get(id) ?? [] }
  }

  /**
   * Creates or changes a group; `field_invalid` for a fallback that is not another group of
   * the site, or members who are not people of the team.
   */
  async save(
    group: GroupRecord,
    members: readonly string[] | undefined,
    existing: boolean,
  ): Promise<void> {
    const { db, store, employees } = this.options
    const fields: FieldError[] = []
    if (group.fallbackGroupId !== null) {
      const fallback = await store.get(group.fallbackGroupId)
      if (!fallback || fallback.siteId !== group.siteId || fallback.id === group.id) {
        fields.push({ field: 'fallbackGroupId', code: 'value_invalid' })
      }
    }
    if (group.whenNobodyOnline === 'fallback' && group.fallbackGroupId === null) {
      fields.push({ field: 'fallbackGroupId', code: 'required' })
    }
    if (members) {
      const people = new Set((await employees.list()).filter(isPerson).map((e) => e.id))
      members.forEach((id, i) => {
        if (!people.has(id)) fields.push({ field: `members.${i}`, code: 'value_invalid' })
      })
    }
    if (fields.length > 0) throw fieldError(fields)
    await db.transaction(async (tx) => {
      if (existing) {
        const { id, siteId, isDefault, createdAt, ...patch } = group
        await store.update(tx, id, patch)
      } else await store.create(tx, group)
      if (members) await store.setMembers(tx, group.id, members)
    })
  }

  /** `default_group` for a site's default group; `group_not_empty` while it has open conversations. */
  async delete(id: string): Promise<void> {
    const { db, store } = this.options
    const group = await store.get(id)
    if (!group) throw relayError('group_not_found')
    if (group.isDefault) throw relayError('default_group')
    if ((await store.listOpen()).some((c) => c.groupId === id)) throw relayError('group_not_empty')
    await db.transaction(async (tx) => {
      for (const other of await store.list(group.siteId, tx)) {
        if (other.fallbackGroupId === id) {
          await store.update(tx, other.id, {
            fallbackGroupId: null,
            ...(other.whenNobodyOnline === 'fallback' && { whenNobodyOnline: 'queue' as const }),
          })
        }
      }
      await store.delete(tx, id)
    })
  }

  /** Creates the named groups of a site that it does not have yet, with every person in them. */
  async seed(siteId: string, groups: readonly { name: string }[]): Promise<void> {
    const { db, store, employees, now } = this.options
    const existing = await store.list(siteId)
    const people = (await employees.list()).filter(isRoutable).map((e) => e.id)
    for (const { name } of groups) {
      if (existing.some((g) => g.name.toLowerCase() === name.toLowerCase())) continue
      await db.transaction(async (tx) => {
        const id = randomId('g')
        await store.create(tx, {
          id,
          siteId,
          name,
          strategy: 'round_robin',
          capacity: 5,
          noAnswerSeconds: 60,
          fallbackGroupId: null,
          whenNobodyOnline: 'queue',
          isDefault: false,
          createdAt: now(),
        })
        await store.setMembers(tx, id, people)
      })
    }
  }

  /** Adds the person to every site's default group. */
  async joinDefaults(employeeId: string): Promise<void> {
    const { db, store } = this.options
    const defaults = (await store.list()).filter((g) => g.isDefault)
    await db.transaction(async (tx) => {
      for (const group of defaults) await store.addMember(tx, group.id, employeeId)
    })
  }
}
