import type { PostgresDatabase } from '../../infra/db/postgres.ts'
import { isUniqueViolation } from '../../infra/db/postgres.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import { relayError } from '../../infra/errors.ts'
import type {
  EmployeePatch,
  EmployeePhoto,
  EmployeeRecord,
  EmployeeStore,
  NewEmployee,
} from './store.ts'

interface EmployeeRow {
  id: string
  email: string
  name: string
  role: EmployeeRecord['role']
  password_hash: string
  created_at: number
  position: string | null
  photo_url: string | null
  kind: EmployeeRecord['kind']
  active: number
  capacity: number | null
}

function toEmployee(row: EmployeeRow): EmployeeRecord {
  const employee: EmployeeRecord = {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    passwordHash: row.password_hash,
    kind: row.kind,
    active: row.active === 1,
    capacity: row.capacity,
    createdAt: row.created_at,
  }
  if (row.position) employee.position = row.position
  if (row.photo_url) employee.photoUrl = row.photo_url
  return employee
}

const COLUMNS =
  'id, email, name, role, password_hash, created_at, position, photo_url, kind, active, capacity'

/** The `employees` and `employee_photos` tables on PostgreSQL. */
export class PostgresEmployeeStore implements EmployeeStore {
  constructor(private readonly db: PostgresDatabase) {}

  async create(tx: Tx, employee: NewEmployee): Promise<EmployeeRecord> {
    const e = { position: null, photoUrl: null, kind: 'human', capacity: null, ...employee }
    try {
      await this.db.attempt(tx, () =>
        this.db.run(
          tx,
          `INSERT INTO employees
               (id, email, name, role, kind, password_hash, position, photo_url, capacity, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            e.id,
            e.email,
            e.name,
            e.role,
            e.kind,
            e.passwordHash,
            e.position ?? null,
            e.photoUrl ?? null,
            e.capacity ?? null,
            e.createdAt,
          ],
        ),
      )
    } catch (error) {
      if (isUniqueViolation(error, 'employees_email')) throw relayError('email_taken')
      throw error
    }
    return (await this.get(employee.id, tx))!
  }

  async get(id: string, tx?: Tx): Promise<EmployeeRecord | undefined> {
    const row = await this.db.row<EmployeeRow>(
      `SELECT ${COLUMNS} FROM employees WHERE id = $1`,
      [id],
      tx,
    )
    return row && toEmployee(row)
  }

  async getByEmail(email: string): Promise<EmployeeRecord | undefined> {
    const row = await this.db.row<EmployeeRow>(
      `SELECT ${COLUMNS} FROM employees WHERE lower(email) = lower($1)`,
      [email],
    )
    return row && toEmployee(row)
  }

  async list(): Promise<EmployeeRecord[]> {
    return (
      await this.db.rows<EmployeeRow>(`SELECT ${COLUMNS} FROM employees ORDER BY created_at, id`)
    ).map(toEmployee)
  }

  async getMany(ids: readonly string[]): Promise<EmployeeRecord[]> {
    if (ids.length === 0) return []
    return (
      await this.db.rows<EmployeeRow>(`SELECT ${COLUMNS} FROM employees WHERE id = ANY($1)`, [ids])
    ).map(toEmployee)
  }

  async setPasswordHash(tx: Tx, id: string, passwordHash: string): Promise<void> {
    await this.db.run(tx, 'UPDATE employees SET password_hash = $1 WHERE id = $2', [
      passwordHash,
      id,
    ])
  }

  async update(tx: Tx, id: string, patch: EmployeePatch): Promise<EmployeeRecord | undefined> {
    await this.db.run(
      tx,
      `UPDATE employees SET
           name = CASE WHEN $2 THEN $3 ELSE name END,
           position = CASE WHEN $4 THEN $5 ELSE position END,
           photo_url = CASE WHEN $6 THEN $7 ELSE photo_url END,
           role = COALESCE($8, role),
           capacity = CASE WHEN $9 THEN $10::integer ELSE capacity END
         WHERE id = $1`,
      [
        id,
        patch.name !== undefined,
        patch.name ?? null,
        patch.position !== undefined,
        patch.position || null,
        patch.photoUrl !== undefined,
        patch.photoUrl || null,
        patch.role ?? null,
        patch.capacity !== undefined,
        patch.capacity ?? null,
      ],
    )
    return this.get(id, tx)
  }

  async setActive(tx: Tx, id: string, active: boolean): Promise<boolean> {
    return (
      (await this.db.run(tx, 'UPDATE employees SET active = $1 WHERE id = $2', [
        active ? 1 : 0,
        id,
      ])) > 0
    )
  }

  async setPhoto(tx: Tx, id: string, photo: EmployeePhoto, url: string): Promise<boolean> {
    if (
      (await this.db.run(tx, 'UPDATE employees SET photo_url = $1 WHERE id = $2', [url, id])) === 0
    )
      return false
    await this.db.run(
      tx,
      `INSERT INTO employee_photos (employee_id, content_type, data, updated_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (employee_id) DO UPDATE SET
         content_type = excluded.content_type, data = excluded.data, updated_at = excluded.updated_at`,
      [id, photo.contentType, photo.data, photo.updatedAt],
    )
    return true
  }

  async getPhoto(id: string): Promise<EmployeePhoto | undefined> {
    const row = await this.db.row<{
      content_type: EmployeePhoto['contentType']
      data: Buffer
      updated_at: number
    }>('SELECT content_type, data, updated_at FROM employee_photos WHERE employee_id = $1', [id])
    return row && { contentType: row.content_type, data: row.data, updatedAt: row.updated_at }
  }

  async deletePhoto(tx: Tx, id: string): Promise<void> {
    await this.db.run(tx, 'DELETE FROM employee_photos WHERE employee_id = $1', [id])
    await this.db.run(tx, 'UPDATE employees SET photo_url = NULL WHERE id = $1', [id])
  }

  async countOtherAdmins(tx: Tx, exceptId: string): Promise<number> {
    const row = await this.db.row<{ n: number }>(
      `SELECT count(*) AS n FROM employees
         WHERE active = 1 AND kind = 'human' AND role = 'admin' AND id != $1`,
      [exceptId],
      tx,
    )
    return row!.n
  }

  async countSeats(tx?: Tx): Promise<number> {
    const row = await this.db.row<{ n: number }>(
      "SELECT count(*) AS n FROM employees WHERE active = 1 AND kind = 'human'",
      [],
      tx,
    )
    return row!.n
  }
}
