import type { ChatMessage } from '@parley/client'
import { getByRole, queryAllByRole, queryByRole } from '@parley/test-dom'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { defineConsoleElements } from './elements.ts'
import type { ParleyMessageLog } from './message-log.ts'
import { settle } from './test/dom.ts'
import { message } from './test/fake-operator-client.ts'

defineConsoleElements()

let element: ParleyMessageLog

beforeEach(() => {
  element = document.createElement('parley-message-log')
  document.body.append(element)
})
afterEach(() => element.remove())

async function show(messages: ChatMessage[]): Promise<HTMLElement> {
  element.messages = messages
  await settle(element)
  return getByRole(element, 'log', { name: 'Messages' })
}

const articles = (log: HTMLElement) => queryAllByRole(log, 'article')

test("a visitor's photo shows as a thumbnail named after the file, opening the full image", async () => {
  const log = await show([
    message({
      seq: 1,
      text: '[Photo (3 KB)] Broken lid',
      data: {
        attachmentId: 'a-1',
        attachmentName: 'lid.jpg',
        attachmentType: 'image/jpeg',
        attachmentSize: '3016',
      },
    }),
  ])
  const [article] = articles(log)
  const image = getByRole<HTMLImageElement>(article!, 'img', { name: 'lid.jpg' })
  expect(image.getAttribute('src')).toBe('/v1/attachments/a-1')
  const link = getByRole<HTMLAnchorElement>(article!, 'link', { name: 'lid.jpg' })
  expect(link.getAttribute('href')).toBe('/v1/attachments/a-1')
  expect(link.target).toBe('_blank')
  expect(link.rel).toBe('noopener')
  expect(getByRole(article!, 'paragraph').textContent).toBe('[Photo (3 KB)] Broken lid')
})

test('a document shows as a download link with its name and size, and no image', async () => {
  const log = await show([
    message({
      seq: 1,
      text: '[File Счёт 5.pdf (40 KB)]',
      data: {
        attachmentId: 'a/2',
        attachmentName: 'Счёт 5.pdf',
        attachmentType: 'application/pdf',
        attachmentSize: String(40 * 1024),
      },
    }),
  ])
  const [article] = articles(log)
  const link = getByRole<HTMLAnchorElement>(article!, 'link', { name: 'Счёт 5.pdf' })
  expect(link.getAttribute('href')).toBe('/v1/attachments/a%2F2')
  expect(link.getAttribute('download')).toBe('Счёт 5.pdf')
  expect(queryByRole(article!, 'img')).toBeNull()
  const paragraphs = queryAllByRole(article!, 'paragraph').map(words)
  expect(paragraphs).toEqual(['[File Счёт 5.pdf (40 KB)]', 'Счёт 5.pdf 40 KB'])
})

test('a file the relay refused, or a message without one, shows only its text', async () => {
  const log = await show([
    message({
      seq: 1,
      text: '[File scan.pdf (20480 KB) — not accepted: larger than 10 MB]',
      data: {
        attachmentRefused: 'attachment_too_large',
        attachmentName: 'scan.pdf',
        attachmentType: 'application/pdf',
      },
    }),
    message({ seq: 2, text: 'Hello' }),
  ])
  for (const article of articles(log)) {
    expect(queryByRole(article, 'link')).toBeNull()
    expect(queryByRole(article, 'img')).toBeNull()
  }
  expect(articles(log)).toHaveLength(2)
})

/** An element's text with the spaces between its parts collapsed. */
function words(el: HTMLElement): string {
  return (el.textContent ?? '').replace(/\s+/g, ' ').trim()
}
