import type { KeyValueStorage } from '@parley/client'
import type { EngageEvent, InvitationOperator } from '@parley/protocol'
import type {
  AttributionEvent,
  Decision,
  Engine,
  EngineOptions,
  Facts,
  Timers,
} from '@parley/scenarios'
import { atom } from 'nanostores'
import type { WidgetController } from '../controller.ts'
import { browserStorage } from '../storage.ts'
import { Invite, Message } from './Invite.tsx'
import { watchPages } from './page-watch.ts'
import { createVisits, type VisitSession } from './visits.ts'

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

type Facts0 = Omit<Facts, 'now' | 'showing'>

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
 * Returns the teardown.
 */
export function startScenarios(controller: WidgetController, deps: ScenarioDeps): () => void {
  const config = controller.$config.get()!
  const { window: win } = deps
  const { location } = win
  const now = () => controller.now()
  const visits = createVisits(
    deps.storage,
    `parley:${controller.site}:visits`,
    () => !!controller.$client.get(),
  )
  const landing = () => {
    const params = new URLSearchParams(location.search)
    const utm: Record<string, string> = {}
    for (const k of ['source', 'medium', 'campaign']) {
      const value = params.get(`utm_${k}`)
      if (value) utm[k] = value
    }
    return {
      ...(win.document.referrer ? { referrer: win.document.referrer } : {}),
      ...(Object.keys(utm).length ? { utm } : {}),
    }
  }
  const before = visits.data
  let url = location.href
  let session = visits.view(now(), landing)
  const returning = (before.history?.sessions ?? 0) > (before.session?.id === session.id ? 1 : 0)
  let visitor: Facts['visitor'] = { returning }
  const pageFacts = () => ({ url: location.href, path: location.pathname, enteredAt: now() })
  const sessionFacts = (s: VisitSession) => ({
    id: s.id,
    startedAt: s.startedAt,
    pagesViewed: s.pages,
  })
  const presence = controller.$presence.get()
  const facts: Facts0 = {
    page: pageFacts(),
    session: sessionFacts(session),
    visitor,
    ...(session.referrer ? { referrer: session.referrer } : {}),
    ...(session.utm ? { utm: session.utm } : {}),
    device: win.matchMedia?.('(pointer: coarse)').matches ? 'mobile' : 'desktop',
    operatorsOnline: (presence?.operatorsOnline ?? 0) > 0,
    hasOpenConversation: false,
    widgetOpen: controller.$open.get(),
    exitIntent: false,
    events: controller.tracked.splice(0),
  }

  /** The bubble or pulse on screen; `shown` also covers an invitation that opened the panel. */
  const $shown = atom<Decision | undefined>(undefined)
  let shown: Decision | undefined
  /** True while an invitation opens the panel (not the visitor). */
  let opening = false

  function report(event: AttributionEvent): void {
    const data = {
      scenarioId: event.scenarioId,
      event: event.type as EngageEvent,
      page: event.page.slice(0, 2048),
      session: session.id,
    }
    const client = controller.$client.get()
    if (client) {
      client.engage(data).catch(() => {})
      return
    }
    // Before consent: no socket and nothing stored; the relay counts it anonymously.
    deps
      .fetch(`${controller.host}/v1/sites/${encodeURIComponent(controller.site)}/engage`, {
        method: 'POST',
        keepalive: true,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(data),
      })
      .catch(() => {})
  }

  /** The invitation's message opens the chat's log. */
  const invite = (action: { message: string; operator?: InvitationOperator | undefined }) =>
    controller.$invitation.set(<Message text={action.message} operator={action.operator} />)

  function show(decision: Decision): void {
    const { action } = decision
    shown = decision
    if (action.type === 'bubble' || action.type === 'pulse') {
      $shown.set(decision)
      return
    }
    // The reply or the callback request will name the scenario (conversion and routing).
    controller.scenarioId = decision.scenarioId
    if (action.type === 'openChat') invite(action)
    opening = true
    controller.quiet = true
    controller.open(action.type === 'openChat' ? 'chat' : 'callback')
    opening = false
  }

  /** The visitor took the invitation on screen. */
  function take(decision: Decision): void {
    shown = undefined
    $shown.set(undefined)
    controller.scenarioId = decision.scenarioId
    const { action } = decision
    if (action.type === 'bubble') invite(action)
    engine.click(decision.scenarioId)
  }

  function dismiss(decision: Decision): void {
    shown = undefined
    $shown.set(undefined)
    if (controller.scenarioId === decision.scenarioId) controller.scenarioId = undefined
    controller.$invitation.set(undefined)
    engine.dismiss(decision.scenarioId)
  }

  const engine = deps.createEngine({
    scenarios: config.scenarios ?? [],
    settings: config.scenarioSettings ?? { minGapSeconds: 0 },
    facts,
    clock: now,
    ...(deps.timers ? { timers: deps.timers } : {}),
    load: () => visits.data.history,
    save: (history) => visits.setHistory(history),
    // Deferred: the engine may decide while it is being created.
    onShow: (decision) => queueMicrotask(() => show(decision)),
    onEvent: report,
  })

  controller.track = (name) => engine.track(name)
  controller.onConvert = (id) => {
    // A reply to an invitation that opened the chat, or a callback it asked for.
    if (shown?.scenarioId !== id) return
    shown = undefined
    engine.click(id)
  }
  controller.$extra.set(
    <Invite
      $shown={$shown}
      locale={controller.locale()}
      onReply={(decision) => {
        take(decision)
        controller.interact()
        controller.open('chat')
      }}
      onDismiss={dismiss}
    />,
  )

  let offClient = () => {}
  const offs = [
    watchPages(win, {
      navigated() {
        if (location.href === url) return
        url = location.href
        const next = visits.view(now(), landing)
        if (next.id !== session.id) visitor = { ...visitor, returning: true }
        session = next
        engine.update({ page: pageFacts(), session: sessionFacts(session), visitor })
      },
      exitIntent: () => engine.update({ exitIntent: true }),
    }),
    controller.$presence.listen((reply) => {
      if (!reply) return
      visitor = { ...visitor, ...(reply.region ? { region: reply.region } : {}) }
      engine.update({ operatorsOnline: reply.operatorsOnline > 0, visitor })
    }),
    controller.$open.listen((open) => {
      const decision = shown
      if (decision && !opening) {
        // Opening the widget takes a bubble or pulse; closing a panel an invitation opened
        // (without replying) dismisses it.
        if (open) take(decision)
        else dismiss(decision)
      }
      engine.update({ widgetOpen: open })
    }),
    controller.$client.subscribe((client) => {
      offClient()
      offClient = () => {}
      if (!client) return
      visits.save()
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
    controller.$extra.set(undefined)
    controller.onConvert = undefined
  }
}
