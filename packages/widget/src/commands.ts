import type { Dispatch } from './command-queue.ts'
import type { WidgetEvents } from './controller.ts'
import type { WidgetHandle } from './mount-with.tsx'

const EVENTS: readonly string[] = [
  'ready',
  'open',
  'close',
  'message',
] satisfies (keyof WidgetEvents)[]

/**
 * Turns `Parley(command, ...args)` calls into widget handle calls. Unknown commands
 * and bad arguments are reported on the console, never thrown into the page.
 */
export function createDispatch(handle: WidgetHandle): Dispatch {
  return (command, ...args) => {
    switch (command) {
      case 'open':
      case 'close':
      case 'toggle':
      case 'allowStorage':
        handle[command]()
        return
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
