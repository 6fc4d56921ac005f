import type { OperatorProfile, Role } from '@parley/protocol'
import type { Tx } from '../../infra/db/unit-of-work.ts'

/** An employee with the hash of its password (never sent anywhere). */
export interface EmployeeRecord extends OperatorProfile {
  passwordHash: string
  createdAt: number
}

export interface NewEmployee {
  id: string
  email: string
  name: string
  role: Role
  passwordHash: string
  createdAt: number
}

/** What visitors and operators see of an employee; `null` clears a field. */
export interface EmployeePatch {
  name?: string
  position?: string | null
  photoUrl?: string | null
}

/** Employees. `describeEmployeeStore` in `contract.ts` is the suite every adapter passes. */
export interface EmployeeStore {
  /** Rejects with a relay error `email_taken` when the email exists (case-insensitive). */
  create(tx: Tx, employee: NewEmployee): Promise<EmployeeRecord>
  get(id: string, tx?: Tx): Promise<EmployeeRecord | undefined>
  /** Case-insensitive. */
  getByEmail(email: string): Promise<EmployeeRecord | undefined>
  /** Oldest first. */
  list(): Promise<EmployeeRecord[]>
  /** The employees with these ids (unknown ids are left out). */
  getMany(ids: readonly string[]): Promise<EmployeeRecord[]>
  setPasswordHash(tx: Tx, id: string, passwordHash: string): Promise<void>
  update(tx: Tx, id: string, patch: EmployeePatch): Promise<EmployeeRecord | undefined>
}
