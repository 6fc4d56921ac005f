import { expect, test } from 'vitest'
import { channelsFor } from './channels.ts'

const all = { chat: true, callback: true, telegram: 'chai_bot', vk: 'chaico', viber: 'chaico' }

test('messenger links carry the start parameter once the visitor is connected', () => {
  expect(channelsFor(all, 'dmlzaXRvcg.abc_-')).toEqual([
    { kind: 'chat' },
    { kind: 'callback' },
    { kind: 'telegram', href: 'https://t.me/chai_bot?start=dmlzaXRvcg.abc_-' },
    { kind: 'vk', href: 'https://vk.me/chaico?ref=dmlzaXRvcg.abc_-' },
    { kind: 'viber', href: 'viber://pa?chatURI=chaico&context=dmlzaXRvcg.abc_-' },
  ])
})

test('before the socket is open the links have no parameter', () => {
  expect(channelsFor(all).map((c) => c.href)).toEqual([
    undefined,
    undefined,
    'https://t.me/chai_bot',
    'https://vk.me/chaico',
    'viber://pa?chatURI=chaico',
  ])
})

test('only enabled channels are offered', () => {
  expect(channelsFor({ chat: true, callback: false })).toEqual([{ kind: 'chat' }])
  expect(channelsFor({ chat: false, callback: true, telegram: '' })).toEqual([{ kind: 'callback' }])
})
