import type { ApiTokenSummary } from '@parley/protocol'
import { deepText, getByLabel, getByRole, queryByRole } from '@parley/test-dom'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createRestApi } from '../rest-api.ts'
import { settle, typeInto } from '../test/dom.ts'
import type { ParleyApiKeysSettings } from './api-keys.ts'
import { defineSettingsElements } from './elements.ts'

defineSettingsElements()

const ADMIN = { id: 'u1', email: 'admin@example.com', name: 'Admin', role: 'admin' as const }
const CREATED = Date.UTC(2026, 11, 1, 9, 0)

let keys: ApiTokenSummary[]
let requests: { method: string; path: string; body?: unknown }[]
let refuseCreate: boolean
let element: ParleyApiKeysSettings

function json(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  })
}

/** The relay's token routes over an in-memory list. */
const relay = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const path = String(input)
  const method = init?.method ?? 'GET'
  const body = init?.body ? JSON.parse(String(init.body)) : undefined
  requests.push({ method, path, ...(body !== undefined && { body }) })
  if (path === '/v1/admin/tokens' && method === 'GET') return json(200, { tokens: keys })
  if (path === '/v1/admin/tokens' && method === 'POST') {
    if (refuseCreate) {
      return json(403, {
        code: 'forbidden',
        message: 'You do not have visitors:read, so a token you create cannot have it',
      })
    }
    const id = `t${keys.length + 1}`
    keys.push({
      id,
      name: body.name,
      employeeId: 'u1',
      scopes: body.scopes,
      createdAt: CREATED,
      lastUsedAt: null,
    })
    return json(201, { id, name: body.name, token: 'pk_secret_shown_once', scopes: body.scopes })
  }
  const revoke = /^\/v1\/admin\/tokens\/(\w+)$/.exec(path)
  if (revoke && method === 'DELETE') {
    keys = keys.filter((key) => key.id !== revoke[1])
    return json(204)
  }
  return json(404, { code: 'token_not_found', message: 'No API token with this id' })
}) as typeof fetch

beforeEach(async () => {
  requests = []
  refuseCreate = false
  keys = [
    {
      id: 't0',
      name: 'Old CRM',
      employeeId: 'u1',
      scopes: ['conversations:read', 'leads:read'],
      createdAt: CREATED,
      lastUsedAt: CREATED + 60_000,
    },
  ]
  element = document.createElement('parley-api-keys-settings')
  element.operator = ADMIN
  element.api = createRestApi({ fetch: relay })
  document.body.append(element)
  await settle(element)
})

afterEach(() => {
  element.remove()
})

const root = () => element.shadowRoot!

/** The table's row of the key named `name` (test-dom finds no table roles, so by its header cell). */
function rowOf(name: string): HTMLTableRowElement | undefined {
  const header = [...root().querySelectorAll('tbody th[scope="row"]')].find(
    (th) => deepText(th).trim() === name,
  )
  return header?.closest('tr') ?? undefined
}

describe('API keys settings', () => {
  it('lists each key in a table with its scopes, and never shows a secret', async () => {
    const table = root().querySelector('table')!
    expect(deepText(table.querySelector('caption')!)).toBe('API keys')
    const headers = [...table.querySelectorAll('th[scope="col"]')].map((th) => deepText(th).trim())
    expect(headers).toEqual(['Name', 'Scopes', 'Created', 'Last used', 'Actions'])
    const row = rowOf('Old CRM')!
    expect(deepText(row)).toContain('conversations:read')
    expect(deepText(row)).toContain('leads:read')
    expect(deepText(root())).not.toContain('pk_')
  })

  it('creates a key with the ticked scopes and shows it once, read-only, with Copy', async () => {
    typeInto(getByLabel(root(), 'Name'), 'amoCRM sync')
    getByRole<HTMLInputElement>(root(), 'checkbox', { name: /^leads:read/ }).click()
    getByRole<HTMLInputElement>(root(), 'checkbox', { name: /^visitors:read/ }).click()
    getByRole(root(), 'button', { name: 'Create key' }).click()
    await settle(element)
    await settle(element)
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({
      name: 'amoCRM sync',
      scopes: ['conversations:read', 'visitors:read'],
    })
    const secret = getByLabel(root(), 'API key amoCRM sync')
    expect(secret.value).toBe('pk_secret_shown_once')
    expect(secret.readOnly).toBe(true)
    getByRole(root(), 'button', { name: 'Copy key' })
    expect(rowOf('amoCRM sync')).toBeDefined()
    getByRole(root(), 'button', { name: 'Done' }).click()
    await settle(element)
    expect(deepText(root())).not.toContain('pk_secret_shown_once')
  })

  it('offers only the scopes the signed-in role grants', async () => {
    element.operator = { ...ADMIN, role: 'supervisor' }
    await settle(element)
    expect(queryByRole(root(), 'checkbox', { name: /^leads:read/ })).not.toBeNull()
    expect(queryByRole(root(), 'checkbox', { name: /^visitors:read/ })).toBeNull()
    expect(queryByRole(root(), 'checkbox', { name: /^messages:write/ })).toBeNull()
  })

  it('shows the relay refusing a key as an alert with its message, and adds nothing', async () => {
    refuseCreate = true
    typeInto(getByLabel(root(), 'Name'), 'Too much')
    getByRole(root(), 'button', { name: 'Create key' }).click()
    await settle(element)
    await settle(element)
    expect(deepText(getByRole(root(), 'alert'))).toBe(
      'You do not have visitors:read, so a token you create cannot have it',
    )
    expect(rowOf('Too much')).toBeUndefined()
  })

  it('revokes a key only once confirmed', async () => {
    getByRole(root(), 'button', { name: 'Revoke Old CRM' }).click()
    await settle(element)
    const confirm = getByRole(root(), 'form', { name: 'Revoke Old CRM' })
    getByRole(confirm, 'button', { name: 'Cancel' }).click()
    await settle(element)
    expect(requests.some((r) => r.method === 'DELETE')).toBe(false)
    expect(queryByRole(root(), 'form', { name: 'Revoke Old CRM' })).toBeNull()

    getByRole(root(), 'button', { name: 'Revoke Old CRM' }).click()
    await settle(element)
    getByRole(root(), 'button', { name: 'Revoke for good' }).click()
    await settle(element)
    await settle(element)
    expect(requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      '/v1/admin/tokens/t0',
    ])
    expect(rowOf('Old CRM')).toBeUndefined()
    expect(deepText(root())).toContain('No API keys yet.')
  })
})
