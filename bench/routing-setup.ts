/**
 * The routing scenario's team, made through the admin REST API of a fresh relay: one site
 * per group, each site's default group given its own operators and capacity, and every
 * operator logged in with their own password (an API token would belong to the admin).
 */
import type { EmployeeReply, GroupListReply, GroupReply } from '@parley/protocol'

export interface TeamOptions {
  url: string
  adminEmail: string
  adminPassword: string
  groups: number
  operators: number
  capacity: number
}

export interface BenchOperator {
  id: string
  name: string
  /** `parley_session=…`, for the operator socket. */
  cookie: string
  groupIndex: number
}

export interface BenchGroup {
  siteId: string
  groupId: string
  memberIds: string[]
}

export interface Team {
  adminCookie: string
  groups: BenchGroup[]
  operators: BenchOperator[]
}

const OPERATOR_PASSWORD = 'bench-operator-password'

/** Logs in and returns the session cookie (`name=value`). */
export async function login(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  if (!res.ok) throw new Error(`login ${email} failed: ${res.status} ${await res.text()}`)
  return res.headers.get('set-cookie')!.split(';')[0]!
}

/** A JSON request with the admin's cookie; throws with the status and body unless 2xx. */
export async function call<T>(
  url: string,
  cookie: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { cookie, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

/**
 * Operator `i` goes to group `i % groups`. Each group is its site's default group (the one a
 * visitor's chat is routed to), so a visitor picks its group by the site it opens.
 */
export async function makeTeam(options: TeamOptions): Promise<Team> {
  const { url, groups, operators, capacity } = options
  const adminCookie = await login(url, options.adminEmail, options.adminPassword)
  const made = await Promise.all(
    Array.from({ length: operators }, async (_, i) => {
      const email = `operator${i + 1}@bench.example`
      const name = `op${String(i + 1).padStart(2, '0')}`
      const { employee } = await call<EmployeeReply>(
        url,
        adminCookie,
        'POST',
        '/v1/admin/employees',
        {
          email,
          name,
          role: 'operator',
          password: OPERATOR_PASSWORD,
        },
      )
      const cookie = await login(url, email, OPERATOR_PASSWORD)
      return { id: employee.id, name, cookie, groupIndex: i % groups }
    }),
  )
  const team: BenchGroup[] = []
  for (let g = 0; g < groups; g++) {
    const siteId = `bench-${g + 1}`
    await call(url, adminCookie, 'PUT', `/v1/admin/sites/${siteId}`, {})
    const { groups: list } = await call<GroupListReply>(
      url,
      adminCookie,
      'GET',
      `/v1/admin/sites/${siteId}/groups`,
    )
    const fallback = list.find((group) => group.isDefault)
    if (!fallback) throw new Error(`site ${siteId} has no default group: ${JSON.stringify(list)}`)
    const memberIds = made.filter((op) => op.groupIndex === g).map((op) => op.id)
    const { group } = await call<GroupReply>(
      url,
      adminCookie,
      'PATCH',
      `/v1/admin/groups/${fallback.id}`,
      { name: `Group ${g + 1}`, capacity, members: memberIds },
    )
    team.push({ siteId, groupId: group.id, memberIds: group.members })
  }
  return { adminCookie, groups: team, operators: made }
}
