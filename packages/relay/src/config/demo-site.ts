import type { SiteDefinition } from './config.ts'

const ALL_DAY: [string, string] = ['00:00', '24:00']

/**
 * The site `--demo` seeds: any origin, English, the shop's green, and the privacy default
 * (`consent`: nothing stored and no socket until the visitor opens the chat).
 * Its working hours are every day 00:00–24:00 so that the demo chat is available
 * whenever an operator is online; the availability rule itself is not bent.
 * The company is fictional; its INN and OGRN only pass the checksums. One scenario,
 * `gift-help`: on `/catalog…` pages, after 3 s on the site, once per session, a bubble from
 * Olga the tea sommelier; its conversations go to the Sales group (`DEMO_GROUPS`).
 */
export const DEMO_SITE: SiteDefinition = {
  id: 'demo',
  name: 'Demo shop',
  locale: 'en',
  storage: 'consent',
  // A Moscow shop: `8 916 123-45-67` is a Russian number on its English pages too.
  defaultCountry: 'RU',
  // The shop's leaf green (`--leaf` in demo-site/style.css), the showcase for theming: white
  // text on it is 4.9:1, so the header, the send and submit buttons stay WCAG AA.
  theme: { accent: '#3f7d4e' },
  chat: { title: 'Chai & Co support', greeting: 'Hi! Ask us anything.' },
  button: { label: 'Contact us' },
  channels: {
    chat: true,
    callback: true,
    telegram: 'parley_demo_bot',
    vk: 'parley_demo',
    viber: 'parleydemo',
  },
  workingHours: {
    timeZone: 'Europe/Moscow',
    days: {
      mon: ALL_DAY,
      tue: ALL_DAY,
      wed: ALL_DAY,
      thu: ALL_DAY,
      fri: ALL_DAY,
      sat: ALL_DAY,
      sun: ALL_DAY,
    },
  },
  prechat: { enabled: false, fields: ['name', 'email'] },
  agreement: {
    company: 'Chai & Co LLC',
    inn: '7701234560',
    ogrn: '1177746123455',
    legalAddress: '12 Chainaya St, office 3, Moscow, 101000',
    email: 'privacy@chai-and-co.example',
    siteUrl: 'https://chai-and-co.example',
  },
  scenarios: [
    {
      id: 'gift-help',
      name: 'Gift help on the catalog',
      enabled: true,
      priority: 0,
      where: { include: [{ type: 'prefix', value: '/catalog' }], exclude: [] },
      conditions: { all: [{ type: 'timeOnSite', seconds: 3 }] },
      action: {
        type: 'bubble',
        message: 'Looking for a gift? Our tea sommelier can help you choose.',
        operator: { name: 'Olga', position: 'Tea sommelier' },
      },
      delaySeconds: 0,
      rules: { oncePerSession: true },
      routing: { group: 'sales' },
    },
  ],
}

/** The demo site's groups besides its default one: `gift-help` routes to Sales. */
export const DEMO_GROUPS: readonly { name: string }[] = [{ name: 'Sales' }]
