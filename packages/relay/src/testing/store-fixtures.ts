import type { Tx } from '../infra/db/unit-of-work.ts'
import type { AppendInput } from '../modules/conversations/store.ts'
import type { SiteRecord } from '../modules/sites/store.ts'
import type { Stores } from '../stores.ts'

/** Makes a fresh, empty, migrated set of one engine's stores. */
export type StoresFactory = () => Promise<Stores> | Stores

export const SITE: SiteRecord = {
  config: {
    siteId: 'shop',
    name: 'Shop',
    configVersion: 'v1',
    locale: 'en' as const,
    storage: 'consent' as const,
    theme: { accent: '#000', position: 'right' as const },
    chat: { title: 'Chat', greeting: 'Hi' },
    button: { label: 'Chat', position: 'right' as const, offsetX: 20, offsetY: 20, color: '#000' },
    channels: { chat: true, callback: true, telegram: 'shop_bot' },
    workingHours: null,
    prechat: { enabled: false, fields: ['name' as const] },
    agreement: { version: '0123456789abcdef', url: '/v1/sites/shop/agreement' },
    identityVerification: 'off' as const,
  },
  origins: ['https://shop.example'],
  agreementTemplate: {
    company: 'Shop LLC',
    inn: '7707083893',
    legalAddress: 'Moscow',
    email: 'a@shop.example',
    siteUrl: 'https://shop.example',
  },
  identitySecret: 'secret-secret-secret',
}

let counter = 0
/** A visitor's message into their open chat, or into `target`. */
export function visitorSend(
  visitorId: string,
  cid: string,
  text: string,
  target?: string,
): AppendInput {
  counter++
  return {
    id: `e${counter}`,
    cid,
    authorKey: `visitor:shop:${visitorId}`,
    author: { kind: 'visitor', id: visitorId },
    kind: 'message',
    text,
    at: 1000 + counter,
    target: target
      ? { conversationId: target }
      : { open: { siteId: 'shop', visitorId, page: 'https://shop.example/' } },
    newConversationId: `c${counter}`,
  }
}

/** A store set with site `shop` written; `tx` runs one transaction on it. */
export async function freshStores(factory: StoresFactory) {
  const stores = await factory()
  await stores.db.transaction((tx) => stores.sites.put(tx, SITE, 1))
  return {
    stores,
    tx: <T>(work: (tx: Tx) => Promise<T>): Promise<T> => stores.db.transaction(work),
  }
}

export const employee = (id: string, extra: { name?: string; email?: string } = {}) => ({
  id,
  email: extra.email ?? `${id}@x`,
  name: extra.name ?? id.toUpperCase(),
  role: 'operator' as const,
  passwordHash: 'h',
  createdAt: 1,
})
