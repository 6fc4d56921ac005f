import type { UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { randomId } from '../../infra/ids.ts'
import type { EmployeeService } from '../employees/service.ts'
import type { EmployeeStore } from '../employees/store.ts'
import { generatePassword, hashPassword } from './password.ts'
import type { AuthStore } from './store.ts'

/**
 * Creates the first admin when there are no employees. Returns the password when
 * it was generated (the caller prints it once), else undefined.
 */
export async function ensureAdmin(
  employees: EmployeeService,
  admin: { email: string; password?: string | undefined },
  hash: (password: string) => Promise<string>,
): Promise<string | undefined> {
  if ((await employees.list()).length > 0) return undefined
  const password = admin.password ?? generatePassword()
  await employees.create({
    email: admin.email,
    name: 'Admin',
    role: 'admin',
    passwordHash: await hash(password),
  })
  return admin.password ? undefined : password
}

/**
 * Sets a new generated password for the configured admin email (or the first
 * admin when that email is unknown, or a new admin when there is none); ends every
 * session of that admin, and reactivates them. For the CLI, which runs without a server.
 */
export async function resetAdminPassword(
  stores: { db: UnitOfWork; employees: EmployeeStore; auth: AuthStore },
  email: string,
): Promise<{ email: string; password: string }> {
  const employees = (await stores.employees.list()).filter((e) => e.kind === 'human')
  const admin =
    employees.find((e) => e.email.toLowerCase() === email.toLowerCase() && e.role === 'admin') ??
    employees.find((e) => e.role === 'admin')
  const password = generatePassword()
  const passwordHash = await hashPassword(password)
  await stores.db.transaction(async (tx) => {
    if (admin) {
      await stores.employees.setPasswordHash(tx, admin.id, passwordHash)
      // A deactivated admin is the way back in, so they are active again (seats aside).
      await stores.employees.setActive(tx, admin.id, true)
      await stores.auth.deleteEmployeeSessions(tx, admin.id)
    } else {
      await stores.employees.create(tx, {
        id: randomId('u'),
        email,
        name: 'Admin',
        role: 'admin',
        passwordHash,
        createdAt: Date.now(),
      })
    }
  })
  return { email: admin?.email ?? email, password }
}
