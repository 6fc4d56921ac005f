import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
import { type Statements, statements } from '../../infra/db/statements.ts'
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

/** The `employees` table (`001_init.sql`, `005_team.sql`). */
export class SqliteEmployeeStore implements EmployeeStore {
  private readonly sql: Statements

  constructor(private readonly db: SqliteDatabase) {
    this.sql = statements(db)
  }

  async create(tx: Tx, employee: NewEmployee): Promise<EmployeeRecord> {
    try {
      this.sql(
        `INSERT INTO employees
             (id, email, name, role, kind, password_hash, position, photo_url, capacity, created_at)
           VALUES
             (@id, @email, @name, @role, @kind, @passwordHash, @position, @photoUrl, @capacity,
              @createdAt)`,
        tx,
      ).run({ position: null, photoUrl: null, kind: 'human', capacity: null, ...employee })
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw relayError('email_taken')
      }
      throw error
    }
    return (await this.get(employee.id, tx))!
  }

  get(id: string, tx?: Tx): Promise<EmployeeRecord | undefined> {
    return this.db.read(() => {
      const row = this.sql('SELECT * FROM employees WHERE id = ?').get(id) as
        | EmployeeRow
        | undefined
      return row && toEmployee(row)
    }, tx)
  }

  getByEmail(email: string): Promise<EmployeeRecord | undefined> {
    return this.db.read(() => {
      const row = this.sql('SELECT * FROM employees WHERE email = ?').get(email) as
        | EmployeeRow
        | undefined
      return row && toEmployee(row)
    })
  }

  list(): Promise<EmployeeRecord[]> {
    return this.db.read(() =>
      (this.sql('SELECT * FROM employees ORDER BY created_at, id').all() as EmployeeRow[]).map(
        toEmployee,
      ),
    )
  }

  getMany(ids: readonly string[]): Promise<EmployeeRecord[]> {
    if (ids.length === 0) return Promise.resolve([])
    return this.db.read(() =>
      (
        this.sql('SELECT * FROM employees WHERE id IN (SELECT value FROM json_each(?))').all(
          JSON.stringify(ids),
        ) as EmployeeRow[]
      ).map(toEmployee),
    )
  }

  async setPasswordHash(tx: Tx, id: string, passwordHash: string): Promise<void> {
    this.sql('UPDATE employees SET password_hash = ? WHERE id = ?', tx).run(passwordHash, id)
  }

  async update(tx: Tx, id: string, patch: EmployeePatch): Promise<EmployeeRecord | undefined> {
    this.sql(
      `UPDATE employees SET
           name = CASE WHEN @setName THEN @name ELSE name END,
           position = CASE WHEN @setPosition THEN @position ELSE position END,
           photo_url = CASE WHEN @setPhoto THEN @photoUrl ELSE photo_url END,
           role = COALESCE(@role, role),
           capacity = CASE WHEN @setCapacity THEN @capacity ELSE capacity END
         WHERE id = @id`,
      tx,
    ).run({
      id,
      setName: patch.name !== undefined ? 1 : 0,
      name: patch.name ?? null,
      setPosition: patch.position !== undefined ? 1 : 0,
      position: patch.position || null,
      setPhoto: patch.photoUrl !== undefined ? 1 : 0,
      photoUrl: patch.photoUrl || null,
      role: patch.role ?? null,
      setCapacity: patch.capacity !== undefined ? 1 : 0,
      capacity: patch.capacity ?? null,
    })
    return this.get(id, tx)
  }

  async setActive(tx: Tx, id: string, active: boolean): Promise<boolean> {
    return (
      this.sql('UPDATE employees SET active = ? WHERE id = ?', tx).run(active ? 1 : 0, id).changes >
      0
    )
  }

  async setPhoto(tx: Tx, id: string, photo: EmployeePhoto, url: string): Promise<boolean> {
    if (
      this.sql('UPDATE employees SET photo_url = ? WHERE id = ?', tx).run(url, id).changes === 0
    ) {
      return false
    }
    this.sql(
      `INSERT INTO employee_photos (employee_id, content_type, data, updated_at)
       VALUES (@id, @contentType, @data, @updatedAt)
       ON CONFLICT (employee_id) DO UPDATE SET
         content_type = excluded.content_type, data = excluded.data, updated_at = excluded.updated_at`,
      tx,
    ).run({ id, ...photo })
    return true
  }

  getPhoto(id: string): Promise<EmployeePhoto | undefined> {
    return this.db.read(() => {
      const row = this.sql(
        'SELECT content_type, data, updated_at FROM employee_photos WHERE employee_id = ?',
      ).get(id) as
        | { content_type: EmployeePhoto['contentType']; data: Buffer; updated_at: number }
        | undefined
      return row && { contentType: row.content_type, data: row.data, updatedAt: row.updated_at }
    })
  }

  async deletePhoto(tx: Tx, id: string): Promise<void> {
    this.sql('DELETE FROM employee_photos WHERE employee_id = ?', tx).run(id)
    this.sql('UPDATE employees SET photo_url = NULL WHERE id = ?', tx).run(id)
  }

  countOtherAdmins(tx: Tx, exceptId: string): Promise<number> {
    return this.db.read(
      () =>
        (
          this.sql(`SELECT count(*) AS n FROM employees
               WHERE active = 1 AND kind = 'human' AND role = 'admin' AND id != ?`).get(
            exceptId,
          ) as { n: number }
        ).n,
      tx,
    )
  }

  countSeats(tx?: Tx): Promise<number> {
    return this.db.read(
      () =>
        (
          this.sql(
            "SELECT count(*) AS n FROM employees WHERE active = 1 AND kind = 'human'",
          ).get() as { n: number }
        ).n,
      tx,
    )
  }
}
