import { expect, test } from 'vitest'
import {
  authorLabel,
  contactDetails,
  conversationTitle,
  kindLabel,
  operatorLabel,
} from './labels.ts'

test('a conversation is named by the visitor name when there is one', () => {
  expect(conversationTitle({ visitorId: 'v_abc', visitorName: '  Anna ' })).toBe('Anna')
})

test('an anonymous visitor is named by six characters of the id after its prefix', () => {
  expect(conversationTitle({ visitorId: 'v_jjgr81kq2' })).toBe('Visitor jjgr81')
  expect(conversationTitle({ visitorId: 'abcdef123456' })).toBe('Visitor abcdef')
  expect(conversationTitle({ visitorId: 'v_', visitorName: '' })).toBe('Visitor v_')
})

test('message authors fall back to the conversation title, Operator and System', () => {
  expect(authorLabel({ kind: 'visitor' }, 'Visitor jjgr81')).toBe('Visitor jjgr81')
  expect(authorLabel({ kind: 'operator' }, 'x')).toBe('Operator')
  expect(authorLabel({ kind: 'operator', name: 'Olga' }, 'x')).toBe('Olga')
  expect(authorLabel({ kind: 'system', name: 'bot' }, 'x')).toBe('System')
})

test('only callbacks and offline messages have a kind badge', () => {
  expect(kindLabel('callback')).toBe('Callback')
  expect(kindLabel('offline')).toBe('Offline message')
  expect(kindLabel('chat')).toBeUndefined()
  expect(kindLabel(undefined)).toBeUndefined()
})

test('contact details keep the known, non-blank phone and e-mail', () => {
  expect(contactDetails({ visitorPhone: '+79161234567', visitorEmail: ' ' })).toEqual({
    phone: '+79161234567',
  })
  expect(contactDetails({})).toEqual({})
})

test('an operator is named with their position when they have one', () => {
  expect(operatorLabel({ name: 'Olga', position: 'Tea sommelier' })).toBe('Olga, Tea sommelier')
  expect(operatorLabel({ name: 'Olga', position: '' })).toBe('Olga')
})
