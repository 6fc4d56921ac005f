import { expect, test } from 'vitest'
import { pickLocale, stringsFor } from './i18n.ts'

test('the embedder option wins over the site config and the browser', () => {
  expect(pickLocale('ru', 'en', 'en-US')).toBe('ru')
})

test('the site config wins over the browser, and the browser over the English default', () => {
  expect(pickLocale(undefined, 'en', 'ru-RU')).toBe('en')
  expect(pickLocale(undefined, undefined, 'ru-RU')).toBe('ru')
  expect(pickLocale(undefined, undefined, 'de-DE')).toBe('en')
  expect(pickLocale('fr', undefined, undefined)).toBe('en')
})

test('Russian and English name the same controls', () => {
  expect([stringsFor('en').openChat, stringsFor('en').send, stringsFor('en').message]).toEqual([
    'Open chat',
    'Send',
    'Message',
  ])
  expect([stringsFor('ru').openChat, stringsFor('ru').send, stringsFor('ru').message]).toEqual([
    'Открыть чат',
    'Отправить',
    'Сообщение',
  ])
  expect(Object.keys(stringsFor('ru'))).toEqual(Object.keys(stringsFor('en')))
})
