import { deepText, getByRole, queryByRole } from '@parley/test-dom'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { defineConsoleElements } from './elements.ts'
import { ConsoleError } from './errors.ts'
import type { RestApi } from './rest-api.ts'
import { settle, typeInto } from './test/dom.ts'
import {
  createFakeOperatorClient,
  type FakeOperatorClient,
  summary,
} from './test/fake-operator-client.ts'
import type { ParleyWorkspace } from './workspace.ts'

defineConsoleElements()

let client: FakeOperatorClient
let workspace: ParleyWorkspace
/** Each upload the console made: its path and the file field's name and file name. */
let uploads: { method: string; path: string; field: string; name: string }[]
/** What the next upload answers: the relay's error, or the stored file. */
let refusal: ConsoleError | undefined

beforeEach(() => {
  uploads = []
  refusal = undefined
  client = createFakeOperatorClient()
  client.conversations.set([
    summary({ id: 'tg', visitorName: 'Ivan', channel: 'telegram', lastText: 'The lid?' }),
    summary({ id: 'vk', visitorName: 'Vera', channel: 'vk', lastText: 'Hi from VK' }),
    summary({ id: 'vb', visitorName: 'Boris', channel: 'viber', lastText: 'Hi from Viber' }),
    summary({ id: 'web', visitorName: 'Anna', lastText: 'Hi from the site' }),
  ])
  const api: RestApi = {
    async get(path) {
      if (path === '/v1/canned') return { responses: [] } as never
      if (path.endsWith('/deliveries')) return { deliveries: [] } as never
      throw new ConsoleError('bad_response', `unexpected ${path}`)
    },
    async send() {
      throw new Error('not used')
    },
    async download() {
      throw new Error('not used')
    },
    async upload(method, path, form) {
      const [[field, file]] = [...form.entries()] as [[string, File]]
      uploads.push({ method, path, field, name: file.name })
      if (refusal) throw refusal
      return {
        attachment: { id: 'a1', name: file.name, type: 'image/png', size: file.size },
      } as never
    },
  }
  workspace = document.createElement('parley-workspace')
  workspace.client = client
  workspace.api = api
  document.body.append(workspace)
})

afterEach(() => workspace.remove())

const view = () => getByRole(workspace, 'main')

async function open(name: string): Promise<void> {
  await settle(workspace)
  getByRole(workspace, 'button', { name: new RegExp(`^${name} `) }).click()
  await settle(workspace)
}

/** Clicks "Attach file" and plays the browser's chooser: picks `file` in the input it opened. */
async function attach(file: File): Promise<void> {
  const opened: HTMLInputElement[] = []
  const click = vi.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(function (
    this: HTMLInputElement,
  ) {
    opened.push(this)
  })
  getByRole(view(), 'button', { name: 'Attach file' }).click()
  click.mockRestore()
  expect(opened).toHaveLength(1)
  Object.defineProperty(opened[0]!, 'files', { value: [file], configurable: true })
  opened[0]!.dispatchEvent(new Event('change'))
  await settle(workspace)
}

const lid = () => new File([new Uint8Array(3000)], 'lid.png', { type: 'image/png' })
const reply = () => getByRole<HTMLTextAreaElement>(view(), 'textbox', { name: 'Reply' })

async function send(): Promise<void> {
  getByRole(view(), 'button', { name: 'Send' }).click()
  for (let i = 0; i < 3; i++) await settle(workspace)
}

test('a Telegram chat: Send uploads the photo, then sends the message carrying it with the text as caption', async () => {
  await open('Ivan')
  await attach(lid())
  expect(deepText(getByRole(view(), 'group', { name: 'Attached file' }))).toBe('lid.png 3 KB ×')
  typeInto(reply(), 'Here it is')
  await send()
  expect(uploads).toEqual([
    { method: 'POST', path: '/v1/conversations/tg/attachments', field: 'file', name: 'lid.png' },
  ])
  expect(client.calls.filter((c) => c[0] === 'send')).toEqual([['send', 'tg', 'Here it is', 'a1']])
  // The message in the log shows the photo the relay stored.
  const log = getByRole(view(), 'log', { name: 'Messages' })
  expect(getByRole(log, 'img', { name: 'lid.png' }).getAttribute('src')).toBe('/v1/attachments/a1')
  expect(queryByRole(view(), 'group', { name: 'Attached file' })).toBeNull()
  expect(reply().value).toBe('')
})

test("the relay's refusal is shown as it says it; the photo and the caption stay to try again", async () => {
  await open('Ivan')
  await attach(lid())
  typeInto(reply(), 'Here it is')
  refusal = new ConsoleError(
    'attachment_too_large',
    'The photo is larger than 10 MB, the most this relay sends',
    413,
  )
  await send()
  expect(deepText(getByRole(view(), 'alert'))).toBe(
    'Photo not sent: The photo is larger than 10 MB, the most this relay sends',
  )
  expect(client.calls.filter((c) => c[0] === 'send')).toEqual([])
  expect(reply().value).toBe('Here it is')
  getByRole(getByRole(view(), 'group', { name: 'Attached file' }), 'button', {
    name: 'Remove lid.png',
  }).click()
  await settle(workspace)
  // The refusal was about that file: gone with it.
  expect(queryByRole(view(), 'alert')).toBeNull()
  await send()
  // Without the photo, the text goes as a message of its own, and nothing more is uploaded.
  expect(uploads).toHaveLength(1)
  expect(client.calls.filter((c) => c[0] === 'send')).toEqual([['send', 'tg', 'Here it is']])
  expect(queryByRole(view(), 'alert')).toBeNull()
})

test('site chat and Viber take no photos from the relay: no Attach file button there; VK does', async () => {
  await open('Anna')
  expect(queryByRole(view(), 'button', { name: 'Attach file' })).toBeNull()
  await open('Boris')
  expect(queryByRole(view(), 'button', { name: 'Attach file' })).toBeNull()
  await open('Vera')
  await attach(lid())
  await send()
  expect(uploads.map((u) => u.path)).toEqual(['/v1/conversations/vk/attachments'])
  expect(client.calls.filter((c) => c[0] === 'send')).toEqual([['send', 'vk', '', 'a1']])
})

test('a photo chosen for one chat is not carried to the next one opened', async () => {
  client.conversations.set([
    ...client.conversations.get(),
    summary({ id: 'tg2', visitorName: 'Pavel', channel: 'telegram', lastText: 'Hello' }),
  ])
  await open('Ivan')
  await attach(lid())
  await open('Pavel')
  expect(queryByRole(view(), 'group', { name: 'Attached file' })).toBeNull()
})
