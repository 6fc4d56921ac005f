import type { VisitorClient } from '@parley/client'
import type { SiteConfig } from '@parley/protocol'
import { atom } from 'nanostores'
import type { Ref } from 'preact'
import { useState } from 'preact/hooks'
import { type Channel, channelsFor } from '../channels.ts'
import type { View } from '../controller.ts'
import type { Strings } from '../i18n.ts'
import { useStore } from '../use-store.ts'
import { Icon } from './icons.tsx'

const none = atom<string | undefined>(undefined)

interface OmniButtonProps {
  t: Strings
  config: SiteConfig
  open: boolean
  panelId: string
  client: VisitorClient | undefined
  buttonRef: Ref<HTMLButtonElement>
  /** The visitor touched the button: consent to connect (messenger links get their start parameter). */
  onInteract(): void
  /** A funnel step: the button opened (`open`), a channel chosen (`pick`). */
  onCount(step: 'open' | 'pick', channel?: string): void
  onOpen(view: View): void
  onClose(): void
}

/**
 * The floating button. With one in-widget channel it opens that channel directly;
 * with several it expands into the list of channels (disclosure: `aria-expanded`,
 * Tab through the list, Escape collapses it and returns focus to the button).
 * While the panel is open it closes the panel. Shows unread operator replies.
 */
export function OmniButton(props: OmniButtonProps) {
  const { t, config, open, panelId, client, buttonRef, onInteract, onCount, onOpen, onClose } =
    props
  const [menu, setMenu] = useState(false)
  const startParam = useStore(client?.$startParam ?? none)
  const channels = channelsFor(config.channels ?? { chat: true, callback: false }, startParam)
  const only = channels.length === 1 ? channels[0] : undefined
  const direct = only?.kind === 'chat' || only?.kind === 'callback' ? only.kind : undefined
  const menuId = `${panelId}-menu`
  const label = open
    ? t.closeChat
    : direct === 'chat'
      ? t.openChat
      : direct
        ? t.callback
        : config.button?.label || t.contact

  const collapse = () => {
    setMenu(false)
    ;(buttonRef as { current: HTMLButtonElement | null }).current?.focus()
  }
  const choose = (channel: Channel) => {
    setMenu(false)
    onCount('pick', channel.kind)
    if (!channel.href) onOpen(channel.kind as View)
  }

  return (
    // Escape from the button or any channel in the list collapses the list.
    // biome-ignore lint/a11y/noStaticElementInteractions: keyboard events bubble from the controls inside
    <div
      class="omni"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && menu) {
          e.stopPropagation()
          collapse()
        }
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        class="launcher"
        aria-label={label}
        aria-expanded={open || menu ? 'true' : 'false'}
        aria-controls={open || direct ? panelId : menu ? menuId : undefined}
        aria-describedby={`${panelId}-unread`}
        onClick={() => {
          onInteract()
          if (open) onClose()
          else if (menu) setMenu(false)
          else {
            onCount('open')
            // One in-widget channel: opening the button picks it.
            if (direct) choose({ kind: direct })
            else setMenu(true)
          }
        }}
      >
        <Icon name={open || menu ? 'close' : 'chat'} />
        {client && !open ? <Unread t={t} client={client} id={`${panelId}-unread`} /> : null}
      </button>
      {/* After the button in the DOM (Tab from the button enters the list); drawn above it by CSS. */}
      {menu && !open ? (
        <ul id={menuId} class="menu" aria-label={t.channels}>
          {channels.map((channel) => (
            <li key={channel.kind}>
              {channel.href ? (
                <a
                  class="channel"
                  href={channel.href}
                  target="_blank"
                  rel="noopener noreferrer"
                  onClick={() => choose(channel)}
                >
                  <Icon name={channel.kind} />
                  {t[channel.kind]}
                </a>
              ) : (
                <button type="button" class="channel" onClick={() => choose(channel)}>
                  <Icon name={channel.kind} />
                  {t[channel.kind]}
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

function Unread({ t, client, id }: { t: Strings; client: VisitorClient; id: string }) {
  const unread = useStore(client.$unread)
  if (unread <= 0) return null
  return (
    <span class="badge" id={id}>
      <span aria-hidden="true">{unread > 99 ? '99+' : unread}</span>
      <span class="sr">{t.unread(unread)}</span>
    </span>
  )
}
