import type { EmployeeKind, OperatorProfile, Role } from '@parley/protocol'
import type { Tx } from '../../infra/db/unit-of-work.ts'

/** An employee with the hash of its password (never sent anywhere). */
export interface EmployeeRecord extends OperatorProfile {
  /** `NO_PASSWORD` until a set-password link is used; always for bots. */
  passwordHash: string
  kind: EmployeeKind
  /** Deactivated employees cannot log in, their tokens stop working, they take no seat. */
  active: boolean
  /** Concurrent conversations; null: each group's default. */
  capacity: number | null
  createdAt: number
}

/** An uploaded photo, its type checked from its bytes. */
export interface EmployeePhoto {
  contentType: 'image/png' | 'image/jpeg' | 'image/webp'
  data: Buffer
  updatedAt: number
}

/** The password hash of an employee who has none (no hash has this form: never matches). */
export const NO_PASSWORD = '!'

export interface NewEmployee {
  id: string
  email: string
  name: string
  role: Role
  /** @default 'human' */
  kind?: EmployeeKind
  passwordHash: string
  position?: string
  photoUrl?: string
  capacity?: number | null
  createdAt: number
}

/** What can change of an employee; `null` clears a field. */
export interface EmployeePatch {
  name?: string
  position?: string | null
  photoUrl?: string | null
  role?: Role
  capacity?: number | null
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
  /** False when there is no such employee. */
  setActive(tx: Tx, id: string, active: boolean): Promise<boolean>
  /** Active employees of kind human: the seats taken. */
  countSeats(tx?: Tx): Promise<number>
  /** Stores the photo and points `photoUrl` at `url`; false when there is no such employee. */
  setPhoto(tx: Tx, id: string, photo: EmployeePhoto, url: string): Promise<boolean>
  getPhoto(id: string): Promise<EmployeePhoto | undefined>
  /** Removes the uploaded photo and clears `photoUrl`. */
  deletePhoto(tx: Tx, id: string): Promise<void>
  /** Active human admins other than `exceptId`. */
  countOtherAdmins(tx: Tx, exceptId: string): Promise<number>
}
