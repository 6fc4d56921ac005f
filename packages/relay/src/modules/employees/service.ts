import type { Employee, OperatorProfile } from '@parley/protocol'
import type { Tx, UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { relayError } from '../../infra/errors.ts'
import { randomId } from '../../infra/ids.ts'
import {
  type EmployeePatch,
  type EmployeePhoto,
  type EmployeeRecord,
  type EmployeeStore,
  type NewEmployee,
  NO_PASSWORD,
} from './store.ts'

/** What happened to an employee, for `onChange` listeners. */
export type EmployeeChange = 'created' | 'updated' | 'activated' | 'deactivated'

export interface EmployeeServiceOptions {
  db: UnitOfWork
  store: EmployeeStore
  now: () => number
  /** Active people allowed at once (`RelayConfig.seats`); null: unlimited. */
  seats: number | null
}

/** Employees: who they are and what visitors see of them (passwords are `auth`'s). */
export class EmployeeService {
  private readonly listeners = new Set<
    (employee: EmployeeRecord, change: EmployeeChange) => void | Promise<void>
  >()

  constructor(private readonly options: EmployeeServiceOptions) {}

  get(id: string): Promise<EmployeeRecord | undefined> {
    return this.options.store.get(id)
  }

  getByEmail(email: string): Promise<EmployeeRecord | undefined> {
    return this.options.store.getByEmail(email)
  }

  list(): Promise<EmployeeRecord[]> {
    return this.options.store.list()
  }

  getMany(ids: readonly string[]): Promise<EmployeeRecord[]> {
    return this.options.store.getMany(ids)
  }

  /** Stores an uploaded photo and points the employee's `photoUrl` at `url`. */
  async setPhoto(id: string, photo: EmployeePhoto, url: string): Promise<EmployeeRecord> {
    const { db, store } = this.options
    return db.transaction(async (tx) => {
      if (!(await store.setPhoto(tx, id, photo, url))) throw relayError('employee_not_found')
      return (await store.get(id, tx))!
    })
  }

  getPhoto(id: string): Promise<EmployeePhoto | undefined> {
    return this.options.store.getPhoto(id)
  }

  async deletePhoto(id: string): Promise<EmployeeRecord> {
    const { db, store } = this.options
    return db.transaction(async (tx) => {
      if (!(await store.get(id, tx))) throw relayError('employee_not_found')
      await store.deletePhoto(tx, id)
      return (await store.get(id, tx))!
    })
  }

  /** Active people (not bots): the seats taken. */
  countSeats(): Promise<number> {
    return this.options.store.countSeats()
  }

  /**
   * `email_taken` when the email exists in any case; `seat_limit_reached` when a person would
   * take a seat past `seats` (checked in the same transaction, so two at once cannot both pass).
   */
  async create(input: Omit<NewEmployee, 'id' | 'createdAt'>): Promise<EmployeeRecord> {
    const { db, store, now } = this.options
    const id = randomId('u')
    const employee = await db.transaction(async (tx) => {
      if (input.kind !== 'bot') await this.checkSeat(tx)
      return store.create(tx, { id, createdAt: now(), ...input })
    })
    await this.announce(employee, 'created')
    return employee
  }

  /** `last_admin` when it would leave no active admin. */
  async update(id: string, patch: EmployeePatch): Promise<EmployeeRecord | undefined> {
    const { db, store } = this.options
    const employee = await db.transaction(async (tx) => {
      const before = await store.get(id, tx)
      if (!before) return undefined
      if (patch.role && patch.role !== 'admin') await this.keepAnAdmin(tx, before)
      return store.update(tx, id, patch)
    })
    if (employee) await this.announce(employee, 'updated')
    return employee
  }

  /**
   * Deactivates or reactivates; `employee_not_found`, `seat_limit_reached` (reactivating a
   * person past the limit). Listeners hear a change, so sockets end and conversations move.
   */
  async setActive(id: string, active: boolean): Promise<EmployeeRecord> {
    const { db, store } = this.options
    const { employee, changed } = await db.transaction(async (tx) => {
      const before = await store.get(id, tx)
      if (!before) throw relayError('employee_not_found')
      if (before.active === active) return { employee: before, changed: false }
      if (active && before.kind === 'human') await this.checkSeat(tx)
      if (!active) await this.keepAnAdmin(tx, before)
      await store.setActive(tx, id, active)
      return { employee: (await store.get(id, tx))!, changed: true }
    })
    if (changed) await this.announce(employee, active ? 'activated' : 'deactivated')
    return employee
  }

  /** Calls `listener` after each committed change of an employee (routing follows them). */
  onChange(
    listener: (employee: EmployeeRecord, change: EmployeeChange) => void | Promise<void>,
  ): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private async announce(employee: EmployeeRecord, change: EmployeeChange): Promise<void> {
    for (const listener of this.listeners) await listener(employee, change)
  }

  private async keepAnAdmin(tx: Tx, employee: EmployeeRecord): Promise<void> {
    const isAdmin = employee.active && employee.kind === 'human' && employee.role === 'admin'
    if (isAdmin && (await this.options.store.countOtherAdmins(tx, employee.id)) === 0) {
      throw relayError('last_admin')
    }
  }

  private async checkSeat(tx: Tx): Promise<void> {
    const { seats, store } = this.options
    if (seats !== null && (await store.countSeats(tx)) >= seats) {
      throw relayError(
        'seat_limit_reached',
        `All ${seats} seats are taken (PARLEY_SEATS=${seats}); deactivate someone or raise the limit`,
      )
    }
  }
}

/** The public view of an employee. */
export function toProfile(employee: EmployeeRecord): OperatorProfile {
  const profile: OperatorProfile = {
    id: employee.id,
    email: employee.email,
    name: employee.name,
    role: employee.role,
  }
  if (employee.position) profile.position = employee.position
  if (employee.photoUrl) profile.photoUrl = employee.photoUrl
  return profile
}

/** An employee as the admin sees them: the profile, kind, state and capacity. */
export function toEmployee(employee: EmployeeRecord): Employee {
  return {
    ...toProfile(employee),
    kind: employee.kind,
    active: employee.active,
    capacity: employee.capacity,
    hasPassword: employee.passwordHash !== NO_PASSWORD,
    createdAt: employee.createdAt,
  }
}
