import type { KeyValueStorage } from '@parley/client'
import type { Decision, Engine, EngineOptions } from '@parley/scenarios'
import type { WidgetController } from '../controller.ts'
import { Message, invite as show } from '../invitation.tsx'
import { browserStorage } from '../storage.ts'
import { Invite } from './Invite.tsx'
import { watchPages } from './page-watch.ts'
import { pageView, readVisits } from './visits.ts'

/** What the scenarios chunk takes from the page; tests pass fakes. */
export interface ScenarioDeps {
  /** `location`, `history`, `document`, `matchMedia`, events. */
  window: Window
  /** The engine (`@parley/scenarios`, its own chunk). */
  createEngine(options: EngineOptions): Engine
  /** The page's guarded `localStorage`; written only once the controller has a client (consent). */
  storage: KeyValueStorage | undefined
  /** For `POST .../engage` before consent (keepalive; nothing stored on the device). */
  fetch: typeof fetch
}

/** `startScenarios` with the browser's window, storage and fetch (what `mount()` uses). */
export function inBrowser(createEngine: ScenarioDeps['createEngine']) {
  return (controller: WidgetController) =>
    startScenarios(controller, {
      window,
      createEngine,
      storage: browserStorage(),
      fetch: (input, init) => globalThis.fetch(input, init),
    })
}

/**
 * Runs the site's engagement scenarios on this page: gathers the facts (page,
 * session, device, presence, region, widget state), feeds the engine on
 * navigation, exit intent, custom events and store changes, shows what it
 * decides, and reports impressions, clicks and dismissals to the relay.
 * The visit data (`parley:<site>:visits`) stays in memory until the
 * controller has a client (consent), then is written on every change.
 * Returns the teardown.
 */
export function startScenarios(controller: WidgetController, deps: ScenarioDeps): () => void {
  const { $client, $open, $invitation, $extra, $presence } = controller
  const config = controller.$config.get()!
  const { window: win, storage } = deps
  const { location } = win
  const stop = new AbortController()
  const key = `parley:${controller.site}:visits`
  const data = readVisits(storage, key)
  const save = () => $client.get() && storage?.setItem(key, JSON.stringify(data))
  let url: string
  /** Counts a page view: the page and session facts. */
  const facts = () => {
    const now = controller.now()
    url = location.href
    data.session = pageView(data.session, now, win)
    save()
    return { page: { url, path: location.pathname, enteredAt: now }, session: data.session }
  }

  /** The invitation on screen, or the one that opened the panel, until it is taken or dismissed. */
  let shown: Decision | undefined

  /** The invitation's message opens the chat's log. */
  const invite = ({ action }: Decision) => 'message' in action && $invitation.set(Message(action))

  /** Ends the invitation on screen: taken (it counts as a click) or dismissed. */
  function end(decision: Decision, took?: boolean): void {
    const id = decision.scenarioId
    shown = undefined
    $extra.set(undefined)
    if (took) {
      controller.scenarioId = id
      invite(decision)
      engine.click(id)
      return
    }
    if (controller.scenarioId === id) controller.scenarioId = undefined
    $invitation.set(undefined)
    engine.dismiss(id)
  }

  function decided(decision: Decision): void {
    const { type } = decision.action
    shown = decision
    if (type === 'bubble' || type === 'pulse') {
      $extra.set(
        <Invite
          decision={decision}
          locale={controller.locale()}
          onReply={() => {
            // Opening takes the invitation (the `$open` listener below).
            controller.interact()
            controller.open('chat')
          }}
          onDismiss={() => end(decision)}
        />,
      )
      return
    }
    // The reply or the callback request will name the scenario (conversion and routing);
    // `quiet` also tells the `$open` listener below it was not the visitor.
    show(
      controller,
      decision.scenarioId,
      decision.action,
      type === 'openChat' ? 'chat' : 'callback',
    )
  }

  /** The relay's presence reply (operators, the visitor's region) as facts. */
  const presence = (reply = $presence.get()) => ({
    operatorsOnline: !!reply?.operatorsOnline,
    region: reply?.region,
  })
  const engine = deps.createEngine({
    scenarios: config.scenarios!,
    settings: config.scenarioSettings,
    facts: {
      ...facts(),
      ...presence(),
      device: win.matchMedia?.('(pointer: coarse)').matches ? 'mobile' : 'desktop',
      widgetOpen: $open.get(),
      events: controller.tracked.splice(0),
    },
    clock: controller.now,
    history: data.history,
    save(history) {
      data.history = history
      save()
    },
    // Deferred: the engine may decide while it is being created.
    onShow: (decision) => queueMicrotask(() => decided(decision)),
    onEvent(event) {
      const client = $client.get()
      // Before consent: no socket and nothing stored; the relay counts it anonymously.
      ;(client
        ? client.engage(event)
        : deps.fetch(`${controller.host}/v1/sites/${encodeURIComponent(controller.site)}/engage`, {
            method: 'POST',
            keepalive: true,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(event),
          })
      ).catch(() => {})
    },
  })

  controller.track = engine.track
  controller.onConvert = (id) => {
    // A reply to an invitation that opened the chat, or a callback it asked for.
    if (shown?.scenarioId !== id) return
    shown = undefined
    engine.click(id)
  }

  watchPages(
    win,
    stop.signal,
    () => location.href !== url && engine.update(facts()),
    () => engine.update({ exitIntent: true }),
  )
  let offClient: (() => void)[] = []
  const offs = [
    $presence.listen((reply) => reply && engine.update(presence(reply))),
    $open.listen((open) => {
      // Opening the widget takes a bubble or pulse; closing a panel an invitation opened
      // (without replying) dismisses it.
      if (shown && !controller.quiet) end(shown, open)
      engine.update({ widgetOpen: open })
    }),
    $client.subscribe((client) => {
      for (const off of offClient) off()
      offClient = client
        ? [
            client.$operatorsOnline.listen((n) => engine.update({ operatorsOnline: n > 0 })),
            client.$conversation.subscribe((c) =>
              engine.update({ hasOpenConversation: c?.status === 'open' }),
            ),
          ]
        : []
      save()
    }),
  ]

  return () => {
    stop.abort()
    engine.destroy()
    for (const off of [...offs, ...offClient]) off()
    $extra.set(undefined)
    controller.onConvert = undefined
  }
}
