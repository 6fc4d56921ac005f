import { useEffect, useRef } from 'preact/hooks'
import type { WidgetController } from '../controller.ts'
import { stringsFor } from '../i18n.ts'
import { useStore } from '../use-store.ts'
import { Chat } from './Conversation.tsx'
import { Header } from './Header.tsx'
import { Lazy } from './Lazy.tsx'
import { OmniButton } from './OmniButton.tsx'

let ids = 0

/** The whole widget: omni-button and panel, shown once the site config is loaded. */
export function App({ controller }: { controller: WidgetController }) {
  const config = useStore(controller.$config)
  const open = useStore(controller.$open)
  const view = useStore(controller.$view)
  const available = useStore(controller.$available)
  const left = useStore(controller.$operatorsLeft)
  const prechatDone = useStore(controller.$prechatDone)
  const client = useStore(controller.$client)
  const extra = useStore(controller.$extra)
  const panelId = useRef(`parley-panel-${++ids}`).current
  const launcher = useRef<HTMLButtonElement>(null)
  const panel = useRef<HTMLDivElement>(null)
  const wasOpen = useRef(open)

  useEffect(() => {
    // The chat's textbox, or a form's first field, takes focus when the visitor opens the
    // panel (not when an invitation does: that would take it from the page).
    if (open && !wasOpen.current && !controller.quiet) {
      panel.current?.querySelector<HTMLElement>('textarea')?.focus()
    }
    controller.quiet = false
    wasOpen.current = open
  }, [open])

  // Closing from inside the panel must not drop focus to <body>: hand it to the launcher first.
  const closeFromPanel = () => {
    launcher.current?.focus()
    controller.close()
  }

  if (!config) return null
  const t = stringsFor(controller.locale())
  const button = config.button
  const side = (button?.position ?? config.theme.position) === 'left' ? 'left' : 'right'
  const vars: Record<string, string> = { '--parley-config-accent': config.theme.accent }
  if (button?.color) vars['--parley-config-button'] = button.color
  if (button && Number.isFinite(button.offsetX)) vars['--parley-x'] = `${button.offsetX}px`
  if (button && Number.isFinite(button.offsetY)) vars['--parley-y'] = `${button.offsetY}px`

  const offline = view === 'offline' || (view === 'chat' && available === false)
  const title = view === 'callback' ? t.callback : offline ? t.leaveMessage : config.chat.title
  const props = { controller, t, onClose: closeFromPanel }

  return (
    // Custom properties are set through CSSOM (style.setProperty), which a strict CSP allows.
    <div class={`root root--${side}`} style={vars}>
      <div
        ref={panel}
        id={panelId}
        class="panel"
        role="dialog"
        aria-label={title}
        hidden={!open}
        onKeyDown={(e) => {
          if (e.key === 'Escape') closeFromPanel()
        }}
      >
        {/* A form is no chat: no operator, no connection state above it. */}
        <Header
          t={t}
          title={title}
          client={view === 'callback' || offline ? undefined : client}
          onMinimize={closeFromPanel}
        />
        {!open ? null : view === 'callback' ? (
          <Lazy t={t} name="CallbackForm" props={props} />
        ) : offline ? (
          <>
            {left ? (
              <p class="notice" role="status">
                {t.operatorsLeft}
              </p>
            ) : null}
            <Lazy t={t} name="OfflineForm" props={{ ...props, text: controller.draft }} />
          </>
        ) : (
          <Chat
            controller={controller}
            t={t}
            client={client}
            config={config}
            open={open}
            prechat={!!config.prechat?.enabled && !prechatDone}
            onClose={closeFromPanel}
          />
        )}
      </div>
      {extra}
      <OmniButton
        t={t}
        config={config}
        open={open}
        panelId={panelId}
        client={client}
        buttonRef={launcher}
        onInteract={controller.interact}
        onCount={controller.count}
        onOpen={controller.open}
        onClose={controller.close}
      />
    </div>
  )
}
