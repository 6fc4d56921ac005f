import { expect, test } from 'vitest'
import { linkify } from './linkify.ts'

test('plain text is one text part', () => {
  expect(linkify('hello <b>world</b>')).toEqual([{ kind: 'text', text: 'hello <b>world</b>' }])
})

test('http and https URLs become links and trailing punctuation stays text', () => {
  expect(linkify('see https://shop.example/tea?x=1. or (http://a.example)')).toEqual([
    { kind: 'text', text: 'see ' },
    { kind: 'link', text: 'https://shop.example/tea?x=1', href: 'https://shop.example/tea?x=1' },
    { kind: 'text', text: '. or (' },
    { kind: 'link', text: 'http://a.example', href: 'http://a.example/' },
    { kind: 'text', text: ')' },
  ])
})

test('javascript:, data: and other schemes stay text', () => {
  const text = 'javascript:alert(1) data:text/html,<x> ftp://files.example mailto:a@b.c'
  expect(linkify(text)).toEqual([{ kind: 'text', text }])
})

test('a URL hidden behind another scheme does not make the whole thing a link', () => {
  expect(linkify('javascript://https://evil.example')).toEqual([
    { kind: 'text', text: 'javascript://' },
    { kind: 'link', text: 'https://evil.example', href: 'https://evil.example/' },
  ])
})
