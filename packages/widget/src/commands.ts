import type { IdentifyData, VisitorAttributes } from '@parley/client'
import type { Dispatch } from './command-queue.ts'
import type { View, WidgetEvents } from './controller.ts'
import type { WidgetHandle } from './mount-with.tsx'

const EVENTS: readonly string[] = [
  'ready',
  'open',
  'close',
  'message',
  'lead',
  'unread',
] satisfies (keyof WidgetEvents)[]

const VIEWS: readonly (View | undefined)[] = [undefined, 'chat', 'callback', 'offline']

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Turns `Parley(command, ...args)` calls into widget handle calls. Unknown commands
 * and bad arguments are reported on the console, never thrown into the page; so
 * are rejected promises (a refused `identify`).
 */
export function createDispatch(handle: WidgetHandle): Dispatch {
  const report = (command: string) => (error: unknown) =>
    console.error(`Parley: ${command} failed`, error)
  return (command, ...args) => {
    switch (command) {
      case 'open': {
        const view = args[0] as View | undefined
        if (!VIEWS.includes(view)) {
          console.error(
            `Parley: use Parley('open'), or Parley('open', 'chat'|'callback'|'offline')`,
          )
          return
        }
        void handle.open(view).catch(report(command))
        return
      }
      case 'close':
      case 'toggle':
      case 'allowStorage':
      case 'shutdown':
        void handle[command]().catch(report(command))
        return
      case 'identify': {
        const [data] = args
        if (!isObject(data) || typeof data.userId !== 'string' || data.userId === '') {
          console.error(`Parley: use Parley('identify', { userId, name?, email?, phone?, hash? })`)
          return
        }
        void handle.identify(data as unknown as IdentifyData).catch(report(command))
        return
      }
      case 'setAttributes': {
        const [attributes] = args
        if (!isObject(attributes)) {
          console.error(`Parley: use Parley('setAttributes', { key: value, ... })`)
          return
        }
        void handle.setAttributes(attributes as VisitorAttributes).catch(report(command))
        return
      }
      case 'track': {
        const [name] = args
        if (typeof name !== 'string' || name === '' || name.length > 64) {
          console.error(`Parley: use Parley('track', name), a name of 1 to 64 characters`)
          return
        }
        void handle.track(name).catch(report(command))
        return
      }
      case 'on':
      case 'off': {
        const [event, fn] = args
        if (typeof event !== 'string' || !EVENTS.includes(event) || typeof fn !== 'function') {
          console.error(`Parley: use Parley('${command}', ${EVENTS.join('|')}, function)`)
          return
        }
        handle[command](event as keyof WidgetEvents, fn as () => void)
        return
      }
      default:
        console.error(`Parley: unknown command "${String(command)}"`)
    }
  }
}
