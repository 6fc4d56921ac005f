import { afterEach, beforeEach, expect, test } from 'vitest'
import { type NotificationRegistration, Notifier, type NotifierEnvironment } from './notifier.ts'
import {
  createFakeOperatorClient,
  type FakeOperatorClient,
  message,
  summary,
} from './test/fake-operator-client.ts'

/** A browser Notification that records what it was asked to show. */
interface Shown {
  title: string
  body: string
  tag: string
  onclick: (() => void) | null
  closed: boolean
}

let client: FakeOperatorClient
let shown: Shown[]
let chimes: number
let hidden: boolean
let permission: NotificationPermission
let opened: string[]
let notifier: Notifier
/** The service worker's registration the notifier sees; none: the page shows notifications. */
let registration: NotificationRegistration | undefined
/** What the worker was asked to show, in order. */
let fromWorker: { title: string; options: NotificationOptions | undefined }[]
/** Whether the worker's `showNotification` fails (a worker stopped mid-way). */
let workerFails: boolean
/** Who listens for the worker's "open this conversation" messages. */
let openRequests: Set<(conversationId: string) => void>
/** The promise the worker's last `showNotification` returned. */
let lastShow: Promise<void> | undefined
const worker: NotificationRegistration = {
  showNotification(title, options) {
    lastShow = workerFails
      ? Promise.reject(new TypeError('No active registration'))
      : Promise.resolve(void fromWorker.push({ title, options }))
    return lastShow
  },
}

beforeEach(() => {
  client = createFakeOperatorClient()
  shown = []
  chimes = 0
  hidden = true
  permission = 'granted'
  opened = []
  registration = undefined
  fromWorker = []
  workerFails = false
  openRequests = new Set()
  lastShow = undefined
  const FakeNotification = class {
    static get permission() {
      return permission
    }
    static async requestPermission() {
      permission = 'granted'
      return permission
    }
    onclick: (() => void) | null = null
    readonly record: Shown
    constructor(title: string, options: { body: string; tag: string }) {
      this.record = { title, body: options.body, tag: options.tag, onclick: null, closed: false }
      shown.push(this.record)
      queueMicrotask(() => (this.record.onclick = this.onclick))
    }
    close() {
      this.record.closed = true
    }
  }
  const env: NotifierEnvironment = {
    Notification: FakeNotification as unknown as typeof Notification,
    registration: () => registration,
    onOpenRequest(listener) {
      openRequests.add(listener)
      return () => openRequests.delete(listener)
    },
    hidden: () => hidden,
    chime: () => chimes++,
    focusWindow: () => {},
  }
  notifier = new Notifier(client, (id) => opened.push(id), env)
  const known = summary({ id: 'c1', visitorName: 'Anna', lastText: 'Hi' })
  client.conversations.set([known])
  client.emit('welcome', {
    welcome: {
      t: 'welcome',
      v: 1,
      operator: { id: 'op1', email: 'o@x', name: 'Olga', role: 'operator' },
      conversations: [known],
    },
  })
})

afterEach(() => notifier.destroy())

const visitorSays = (conversationId: string, seq: number, text: string) =>
  client.emit('event', { conversationId, message: message({ seq, text }) })

test('a new conversation and a visitor message while hidden: a notification and a chime each', async () => {
  const fresh = summary({ id: 'c2', visitorName: 'Boris', lastText: 'Is Sencha in stock?' })
  client.conversations.set([...client.conversations.get(), fresh])
  client.emit('conversation', { conversation: fresh })
  // Its first message came with it: not a second notification.
  visitorSays('c2', 1, 'Is Sencha in stock?')
  visitorSays('c1', 2, 'Hello again')
  expect(shown.map(({ title, body, tag }) => ({ title, body, tag }))).toEqual([
    { title: 'New conversation: Boris', body: 'Is Sencha in stock?', tag: 'c2' },
    { title: 'Anna', body: 'Hello again', tag: 'c1' },
  ])
  expect(chimes).toBe(2)
  // Clicking it opens the conversation.
  await Promise.resolve()
  shown[0]!.onclick!()
  expect(opened).toEqual(['c2'])
  expect(shown[0]!.closed).toBe(true)
})

test('nothing while the console is in view, for known conversations, or for operators', () => {
  hidden = false
  client.emit('conversation', { conversation: summary({ id: 'c3', visitorName: 'Vera' }) })
  visitorSays('c1', 2, 'Hello again')
  hidden = true
  // An update of a conversation the console knew is not new.
  client.emit('conversation', {
    conversation: summary({ id: 'c1', visitorName: 'Anna', lastSeq: 3 }),
  })
  client.emit('event', {
    conversationId: 'c1',
    message: message({ seq: 3, text: 'Our answer', author: { kind: 'operator', name: 'Olga' } }),
  })
  expect(shown).toEqual([])
  expect(chimes).toBe(0)
})

test('without permission only the chime; permission is asked only when enabled', async () => {
  permission = 'default'
  expect(notifier.permission).toBe('default')
  visitorSays('c1', 2, 'Anyone?')
  expect(shown).toEqual([])
  expect(chimes).toBe(1)
  expect(await notifier.enable()).toBe('granted')
  visitorSays('c1', 3, 'Anyone at all?')
  expect(shown.map((s) => s.body)).toEqual(['Anyone at all?'])
})

test('with the service worker active, it shows them: one tag per conversation, the id in its data', async () => {
  registration = worker
  const fresh = summary({ id: 'c2', visitorName: 'Boris', lastText: 'Is Sencha in stock?' })
  client.conversations.set([...client.conversations.get(), fresh])
  client.emit('conversation', { conversation: fresh })
  visitorSays('c2', 2, 'Hello?')
  expect(fromWorker).toEqual([
    {
      title: 'New conversation: Boris',
      options: { body: 'Is Sencha in stock?', tag: 'c2', data: { conversationId: 'c2' } },
    },
    { title: 'Boris', options: { body: 'Hello?', tag: 'c2', data: { conversationId: 'c2' } } },
  ])
  expect(shown).toEqual([])
  expect(chimes).toBe(2)
})

test('a click on a worker notification opens its conversation until the notifier is destroyed', () => {
  for (const listener of openRequests) listener('c1')
  expect(opened).toEqual(['c1'])
  notifier.destroy()
  expect(openRequests.size).toBe(0)
})

test('when the worker cannot show one, the page does', async () => {
  registration = worker
  workerFails = true
  visitorSays('c1', 2, 'Still there?')
  expect(shown).toEqual([])
  // The notifier's handler was attached first, so it has run once this one has.
  await lastShow!.catch(() => {})
  expect(shown.map(({ title, body, tag }) => ({ title, body, tag }))).toEqual([
    { title: 'Anna', body: 'Still there?', tag: 'c1' },
  ])
  expect(fromWorker).toEqual([])
})
