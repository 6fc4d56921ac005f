import { type Permission, ROLE_PERMISSIONS, type Role } from '@parley/protocol'

/**
 * What a caller may do: its role's permissions, narrowed by an API token's scopes. A scope the
 * role no longer grants (the employee was demoted) is not granted.
 */
export function grantedPermissions(
  role: Role,
  scopes: readonly Permission[] | null,
): ReadonlySet<Permission> {
  const granted = ROLE_PERMISSIONS[role]
  return new Set(scopes === null ? granted : granted.filter((name) => scopes.includes(name)))
}

/** The scopes of `requested` beyond `granted` (none: a token with them may be created). */
export function scopesBeyond(
  granted: ReadonlySet<Permission>,
  requested: readonly Permission[],
): Permission[] {
  return requested.filter((name) => !granted.has(name))
}
