import type { VisitorCardReply } from '@parley/protocol'
import { deepText, getByRole, queryByRole } from '@parley/test-dom'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { defineConsoleElements } from './elements.ts'
import { createRestApi } from './rest-api.ts'
import { settle } from './test/dom.ts'
import { ParleyVisitorCard } from './visitor-card.ts'

defineConsoleElements()
// The card is a chunk of its own: the conversation view defines it on first use.
if (!customElements.get('parley-visitor-card')) {
  customElements.define('parley-visitor-card', ParleyVisitorCard)
}

const AT = Date.parse('2026-12-01T10:00:00Z')

const CARD: VisitorCardReply = {
  visitor: {
    id: 'v_1',
    name: 'Anna',
    phone: '+79161234567',
    email: 'anna@chai.example',
    userId: 'u-17',
    verified: true,
    attributes: { plan: 'pro', seats: 3 },
  },
  channel: 'web',
  currentPage: { url: 'https://chai.example/samovars', title: 'Samovars', at: AT },
  pages: [
    { url: 'https://chai.example/samovars', title: 'Samovars', at: AT },
    { url: 'https://chai.example/?utm_source=newsletter', at: AT - 60_000 },
  ],
  region: { country: 'RU', region: 'MOW' },
  utmSource: 'newsletter',
  referrer: 'https://mail.example/inbox',
  scenario: { id: 's1', name: 'Samovar helper' },
  consents: [
    { agreementVersion: '0123456789abcdef', form: 'callback', at: AT },
    { agreementVersion: '0123456789abcdef', form: 'prechat', at: AT, withdrawnAt: AT + 1000 },
  ],
  conversations: [
    {
      id: 'c_old',
      kind: 'callback',
      status: 'closed',
      createdAt: AT - 86_400_000,
      lastText: 'Call me',
    },
  ],
}

let card: ParleyVisitorCard
let asked: string[]
let reply: { status: number; body: unknown }

beforeEach(() => {
  asked = []
  reply = { status: 200, body: CARD }
  card = document.createElement('parley-visitor-card')
  card.api = createRestApi({
    fetch: (async (input: string) => {
      asked.push(String(input))
      return new Response(JSON.stringify(reply.body), {
        status: reply.status,
        headers: { 'content-type': 'application/json' },
      })
    }) as typeof fetch,
  })
  card.conversationId = 'c_now'
  document.body.append(card)
})
afterEach(() => card.remove())

/** Each term of a definition list with its description. */
function terms(list: HTMLElement): Record<string, string> {
  const out: Record<string, string> = {}
  for (const dt of list.querySelectorAll('dt')) {
    out[deepText(dt as HTMLElement)] = deepText(dt.nextElementSibling as HTMLElement)
  }
  return out
}

test("shows the visitor's contacts, verified flag, page, region, source and scenario", async () => {
  await settle(card)
  expect(asked).toEqual(['/v1/conversations/c_now/visitor'])
  const section = getByRole(card, 'region', { name: 'Visitor' })
  expect(deepText(section)).toContain('Anna')
  expect(deepText(section)).toContain('Verified')
  const details = card.shadowRoot!.querySelector('dl') as HTMLElement
  expect(terms(details)).toEqual({
    Phone: '+7 916 123-45-67',
    Email: 'anna@chai.example',
    'User id': 'u-17',
    Channel: 'Website chat',
    'Current page': 'Samovars',
    Region: 'Russia, MOW',
    'UTM source': 'newsletter',
    'Came from': 'mail.example',
    Scenario: 'Samovar helper',
  })
  expect(getByRole(card, 'link', { name: '+7 916 123-45-67' }).getAttribute('href')).toBe(
    'tel:+79161234567',
  )
  const attributes = card.shadowRoot!.querySelector('dl[aria-label="Attributes"]') as HTMLElement
  expect(terms(attributes)).toEqual({
    plan: 'pro',
    seats: '3',
  })
})

test('lists consents (a withdrawn one says so), pages visited, and opens an earlier conversation', async () => {
  await settle(card)
  const consents = getByRole(card, 'list', { name: 'Consents' })
  const items = [...consents.querySelectorAll('li')].map((li) => deepText(li as HTMLElement))
  expect(items).toHaveLength(2)
  expect(items[0]).toMatch(/^Agreement 01234567, callback form, /)
  expect(items[0]).not.toContain('withdrawn')
  expect(items[1]).toContain('withdrawn')
  const pages = getByRole(card, 'list', { name: 'Pages visited' })
  expect(deepText(pages)).toContain('Samovars')
  expect(deepText(pages)).toContain('/?utm_source=newsletter')
  const opened: string[] = []
  card.addEventListener('conversation-select', (e) =>
    opened.push((e as CustomEvent<{ conversationId: string }>).detail.conversationId),
  )
  const earlier = getByRole(card, 'button', { name: /^Open callback of .*, closed$/ })
  earlier.click()
  expect(opened).toEqual(['c_old'])
})

test('says what is not known, and shows the relay refusing with its message', async () => {
  reply = {
    status: 200,
    body: {
      visitor: { id: 'v_2', verified: false, attributes: {} },
      channel: 'web',
      pages: [],
      consents: [],
      conversations: [],
    },
  }
  card.conversationId = 'c_bare'
  await settle(card)
  expect(deepText(card.shadowRoot as unknown as HTMLElement)).toContain('No name given')
  expect(queryByRole(card, 'list', { name: 'Pages visited' })).toBeNull()
  expect(deepText(card.shadowRoot as unknown as HTMLElement)).not.toContain('Verified')
  reply = {
    status: 404,
    body: { code: 'conversation_not_found', message: 'Conversation not found' },
  }
  card.conversationId = 'c_gone'
  await settle(card)
  expect(deepText(getByRole(card, 'alert'))).toBe(
    'Could not load the visitor: Conversation not found',
  )
})

test('names the messenger and the bot a messenger visitor writes to, not the website chat', async () => {
  reply = {
    status: 200,
    body: {
      visitor: { id: 'v_3', name: 'Ivan Petrov', verified: false, attributes: {} },
      channel: 'telegram',
      contactPoint: { id: 'cp_1', name: 'Chai Shop bot' },
      pages: [],
      consents: [],
      conversations: [],
    } satisfies VisitorCardReply,
  }
  card.conversationId = 'c_tg'
  await settle(card)
  const details = card.shadowRoot!.querySelector('dl') as HTMLElement
  expect(terms(details)).toEqual({ Channel: 'Telegram (Chai Shop bot)' })
  // A contact point that is gone leaves the messenger's name.
  reply = {
    status: 200,
    body: { ...(reply.body as VisitorCardReply), channel: 'vk', contactPoint: undefined },
  }
  card.conversationId = 'c_vk'
  await settle(card)
  expect(terms(card.shadowRoot!.querySelector('dl') as HTMLElement)).toEqual({ Channel: 'VK' })
})
