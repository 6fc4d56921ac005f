import type { OperatorProfile, Role } from '@parley/protocol'
import type { UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { randomId } from '../../infra/ids.ts'
import type { EmployeePatch, EmployeeRecord, EmployeeStore } from './store.ts'

export interface EmployeeServiceOptions {
  db: UnitOfWork
  store: EmployeeStore
  now: () => number
}

/** Employees: who they are and what visitors see of them (passwords are `auth`'s). */
export class EmployeeService {
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

  /** `email_taken` when the email exists in any case. */
  create(input: {
    email: string
    name: string
    role: Role
    passwordHash: string
  }): Promise<EmployeeRecord> {
    const { db, store, now } = this.options
    return db.transaction((tx) =>
      store.create(tx, { id: randomId('u'), createdAt: now(), ...input }),
    )
  }

  update(id: string, patch: EmployeePatch): Promise<EmployeeRecord | undefined> {
    const { db, store } = this.options
    return db.transaction((tx) => store.update(tx, id, patch))
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
