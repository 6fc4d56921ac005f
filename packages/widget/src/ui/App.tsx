import { useStore } from '@nanostores/preact'
import { useEffect, useRef } from 'preact/hooks'
import type { WidgetController } from '../controller.ts'
import { stringsFor } from '../i18n.ts'
import { Composer } from './Composer.tsx'
import { Conversation, Log } from './Conversation.tsx'
import { Header } from './Header.tsx'
import { Launcher } from './Launcher.tsx'

let ids = 0

/** The whole widget: launcher and chat panel, shown once the site config is loaded. */
export function App({ controller }: { controller: WidgetController }) {
  const config = useStore(controller.$config)
  const open = useStore(controller.$open)
  const client = useStore(controller.$client)
  const panelId = useRef(`parley-panel-${++ids}`).current
  const launcher = useRef<HTMLButtonElement>(null)
  const input = useRef<HTMLTextAreaElement>(null)
  const wasOpen = useRef(open)

  useEffect(() => {
    if (open && !wasOpen.current) input.current?.focus()
    wasOpen.current = open
  }, [open])

  // Closing from inside the panel must not drop focus to <body>: hand it to the launcher first.
  const closeFromPanel = () => {
    launcher.current?.focus()
    controller.close()
  }

  if (!config) return null
  const t = stringsFor(controller.locale())
  const accent = { '--parley-config-accent': config.theme.accent } as Record<string, string>

  return (
    <div class={`root root--${config.theme.position === 'left' ? 'left' : 'right'}`} style={accent}>
      <div
        id={panelId}
        class="panel"
        role="dialog"
        aria-label={config.chat.title}
        hidden={!open}
        onKeyDown={(e) => {
          if (e.key === 'Escape') closeFromPanel()
        }}
      >
        <Header t={t} title={config.chat.title} client={client} onMinimize={closeFromPanel} />
        {client ? (
          <Conversation t={t} greeting={config.chat.greeting} open={open} client={client} />
        ) : (
          <Log t={t} greeting={config.chat.greeting} messages={[]} />
        )}
        <Composer
          t={t}
          inputRef={input}
          onInteract={controller.interact}
          onSend={controller.send}
          onTyping={controller.setTyping}
        />
      </div>
      <Launcher
        t={t}
        open={open}
        panelId={panelId}
        client={client}
        buttonRef={launcher}
        onClick={() => {
          controller.interact()
          controller.toggle()
        }}
      />
    </div>
  )
}
