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

// Bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069), marks (U+200E, U+200F,
// U+061C) and control characters inside a URL make it show other than it goes.
test.each([
  ['U+202E right-to-left override', 'https://shop.example/\u202Egpj.exe'],
  ['U+202A left-to-right embedding', 'https://shop.example/\u202Atea'],
  ['U+202D left-to-right override', 'https://shop.example/t\u202Dea'],
  ['U+2066 left-to-right isolate', 'https://shop.example/\u2066tea\u2069'],
  ['U+2067 right-to-left isolate', 'https://shop.example/\u2067tea'],
  ['U+2068 first strong isolate', 'https://shop.example/\u2068tea'],
  ['U+200E left-to-right mark', 'https://shop.example/\u200Etea'],
  ['U+200F right-to-left mark', 'https://shop.example/tea\u200F'],
  ['U+061C Arabic letter mark', 'https://shop.example/\u061Ctea'],
  ['U+0007 bell, a C0 control', 'https://shop.example/\u0007tea'],
  ['U+0085 next line, a C1 control', 'https://shop.example/\u0085tea'],
])('a URL with %s inside stays text', (_, url) => {
  const text = `Pay here: ${url} today`
  expect(linkify(text)).toEqual([{ kind: 'text', text }])
})

test.each([
  ['user and password', 'https://bank.example:secret@evil.example/login'],
  ['user', 'https://bank.example@evil.example/login'],
  ['empty user', 'https://@evil.example/login'],
  ['extra slashes before the user', 'https:///bank.example@evil.example/login'],
  ['http and a user', 'http://support@evil.example'],
])('a URL with userinfo (%s) stays text', (_, url) => {
  const text = `Log in at ${url} please`
  expect(linkify(text)).toEqual([{ kind: 'text', text }])
})

test('an @ after the host, in the path or query, is no userinfo: the URL stays a link', () => {
  expect(linkify('see https://shop.example/team/@olga?to=a@b.example')).toEqual([
    { kind: 'text', text: 'see ' },
    {
      kind: 'link',
      text: 'https://shop.example/team/@olga?to=a@b.example',
      href: 'https://shop.example/team/@olga?to=a@b.example',
    },
  ])
})

test('a deceptive URL stays text while a plain one next to it is still a link', () => {
  expect(linkify('not https://a@evil.example but https://shop.example')).toEqual([
    { kind: 'text', text: 'not https://a@evil.example but ' },
    { kind: 'link', text: 'https://shop.example', href: 'https://shop.example/' },
  ])
})
