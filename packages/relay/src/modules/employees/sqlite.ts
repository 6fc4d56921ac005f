import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import { relayError } from '../../infra/errors.ts'
import type { EmployeePatch, EmployeeRecord, EmployeeStore, NewEmployee } from './store.ts'

interface EmployeeRow {
  id: string
  email: string
  name: string
  role: EmployeeRecord['role']
  password_hash: string
  created_at: number
  position: string | null
  photo_url: string | null
}

function toEmployee(row: EmployeeRow): EmployeeRecord {
  const employee: EmployeeRecord = {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
  }
  if (row.position) employee.position = row.position
  if (row.photo_url) employee.photoUrl = row.photo_url
  return employee
}

/** The `employees` table (`001_init.sql`). */
export class SqliteEmployeeStore implements EmployeeStore {
  constructor(private readonly db: SqliteDatabase) {}

  async create(tx: Tx, employee: NewEmployee): Promise<EmployeeRecord> {
    try {
      this.db
        .write(tx)
        .prepare(
          `INSERT INTO employees (id, email, name, role, password_hash, created_at)
           VALUES (@id, @email, @name, @role, @passwordHash, @createdAt)`,
        )
        .run(employee)
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw relayError('email_taken')
      }
      throw error
    }
    return { ...employee }
  }

  get(id: string, tx?: Tx): Promise<EmployeeRecord | undefined> {
    return this.db.read((db) => {
      const row = db.prepare('SELECT * FROM employees WHERE id = ?').get(id) as
        | EmployeeRow
        | undefined
      return row && toEmployee(row)
    }, tx)
  }

  getByEmail(email: string): Promise<EmployeeRecord | undefined> {
    return this.db.read((db) => {
      const row = db.prepare('SELECT * FROM employees WHERE email = ?').get(email) as
        | EmployeeRow
        | undefined
      return row && toEmployee(row)
    })
  }

  list(): Promise<EmployeeRecord[]> {
    return this.db.read((db) =>
      (db.prepare('SELECT * FROM employees ORDER BY created_at, id').all() as EmployeeRow[]).map(
        toEmployee,
      ),
    )
  }

  getMany(ids: readonly string[]): Promise<EmployeeRecord[]> {
    if (ids.length === 0) return Promise.resolve([])
    return this.db.read((db) =>
      (
        db
          .prepare(`SELECT * FROM employees WHERE id IN (${ids.map(() => '?').join(',')})`)
          .all(...ids) as EmployeeRow[]
      ).map(toEmployee),
    )
  }

  async setPasswordHash(tx: Tx, id: string, passwordHash: string): Promise<void> {
    this.db
      .write(tx)
      .prepare('UPDATE employees SET password_hash = ? WHERE id = ?')
      .run(passwordHash, id)
  }

  async update(tx: Tx, id: string, patch: EmployeePatch): Promise<EmployeeRecord | undefined> {
    this.db
      .write(tx)
      .prepare(
        `UPDATE employees SET
           name = CASE WHEN @setName THEN @name ELSE name END,
           position = CASE WHEN @setPosition THEN @position ELSE position END,
           photo_url = CASE WHEN @setPhoto THEN @photoUrl ELSE photo_url END
         WHERE id = @id`,
      )
      .run({
        id,
        setName: patch.name !== undefined ? 1 : 0,
        name: patch.name ?? null,
        setPosition: patch.position !== undefined ? 1 : 0,
        position: patch.position || null,
        setPhoto: patch.photoUrl !== undefined ? 1 : 0,
        photoUrl: patch.photoUrl || null,
      })
    return this.get(id, tx)
  }
}
