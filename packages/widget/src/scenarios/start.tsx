import type { KeyValueStorage } from '@parley/client'
import type { Decision, Engine, EngineOptions, Facts, Timers } from '@parley/scenarios'
import type { WidgetController } from '../controller.ts'
import { browserStorage } from '../storage.ts'
import { Invite, Message } from './Invite.tsx'
import { watchPages } from './page-watch.ts'
import { pageView, readVisits, type VisitData } from './visits.ts'

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
  /** @default globalThis */
  timers?: Timers
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
  const key = `parley:${controller.site}:visits`
  const now = () => controller.now()
  let data: VisitData = readVisits(storage, key)
  const save = () => $client.get() && storage?.setItem(key, JSON.stringify(data))
  const view = () => {
    data = { ...data, session: pageView(data.session, now(), win) }
    save()
    return data.session!
  }
  const before = data
  let url = location.href
  let session = view()
  const visitor: Facts['visitor'] = {
    returning: (before.history?.sessions ?? 0) > (before.session?.id === session.id ? 1 : 0),
  }
  const facts = () => ({
    page: { url: location.href, path: location.pathname, enteredAt: now() },
    session,
    visitor,
  })

  /** The invitation on screen, or the one that opened the panel, until it is taken or dismissed. */
  let shown: Decision | undefined
  /** True while an invitation opens the panel (not the visitor). */
  let opening = false

  /** The invitation's message opens the chat's log. */
  const invite = ({ action }: Decision) =>
    'message' in action &&
    $invitation.set(<Message text={action.message} operator={action.operator} />)

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

  function show(decision: Decision): void {
    const { type } = decision.action
    shown = decision
    if (type === 'bubble' || type === 'pulse') {
      $extra.set(
        <Invite
          decision={decision}
          locale={controller.locale()}
          onReply={() => {
            end(decision, true)
            controller.interact()
            controller.open('chat')
          }}
          onDismiss={() => end(decision)}
        />,
      )
      return
    }
    // The reply or the callback request will name the scenario (conversion and routing).
    controller.scenarioId = decision.scenarioId
    invite(decision)
    opening = controller.quiet = true
    controller.open(type === 'openChat' ? 'chat' : 'callback')
    opening = false
  }

  const presence = $presence.get()
  const engine = deps.createEngine({
    scenarios: config.scenarios ?? [],
    settings: config.scenarioSettings ?? { minGapSeconds: 0 },
    facts: {
      ...facts(),
      device: win.matchMedia?.('(pointer: coarse)').matches ? 'mobile' : 'desktop',
      operatorsOnline: !!presence?.operatorsOnline,
      widgetOpen: $open.get(),
      events: controller.tracked.splice(0),
    },
    clock: now,
    timers: deps.timers,
    history: data.history,
    save(history) {
      data = { ...data, history }
      save()
    },
    // Deferred: the engine may decide while it is being created.
    onShow: (decision) => queueMicrotask(() => show(decision)),
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

  let offClient = () => {}
  const offs = [
    watchPages(
      win,
      () => {
        if (location.href === url) return
        url = location.href
        const next = view()
        if (next.id !== session.id) visitor.returning = true
        session = next
        engine.update(facts())
      },
      () => engine.update({ exitIntent: true }),
    ),
    $presence.listen((reply) => {
      if (!reply) return
      if (reply.region) visitor.region = reply.region
      engine.update({ operatorsOnline: reply.operatorsOnline > 0, visitor })
    }),
    $open.listen((open) => {
      // Opening the widget takes a bubble or pulse; closing a panel an invitation opened
      // (without replying) dismisses it.
      if (shown && !opening) end(shown, open)
      engine.update({ widgetOpen: open })
    }),
    $client.subscribe((client) => {
      offClient()
      offClient = () => {}
      if (!client) return
      save()
      const offs = [
        client.$operatorsOnline.listen((n) => engine.update({ operatorsOnline: n > 0 })),
        client.$conversation.subscribe((c) =>
          engine.update({ hasOpenConversation: c?.status === 'open' }),
        ),
      ]
      offClient = () => {
        for (const off of offs) off()
      }
    }),
  ]

  return () => {
    engine.destroy()
    for (const off of offs) off()
    offClient()
    $extra.set(undefined)
    controller.onConvert = undefined
  }
}
