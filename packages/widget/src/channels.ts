/** A channel the omni-button offers. */
export type ChannelKind = 'chat' | 'callback' | 'telegram' | 'vk' | 'viber'

/** One entry of the omni-button's menu: an action inside the widget, or a messenger link. */
export interface Channel {
  kind: ChannelKind
  /** Deep link for messengers; absent for chat and callback. */
  href?: string
}

/** The channels part of the site config (kept structural, so this file has no protocol import). */
export interface ChannelSettings {
  chat: boolean
  callback: boolean
  telegram?: string
  vk?: string
  viber?: string
}

/**
 * The enabled channels in menu order. Messenger links carry the signed start
 * parameter from `welcome.startParam` when the visitor is connected, so the
 * relay can tie the messenger conversation to this visitor; before that they
 * open the bot without it.
 */
export function channelsFor(settings: ChannelSettings, startParam?: string): Channel[] {
  const p = startParam ? encodeURIComponent(startParam) : ''
  const list: Channel[] = []
  if (settings.chat) list.push({ kind: 'chat' })
  if (settings.callback) list.push({ kind: 'callback' })
  const { telegram, vk, viber } = settings
  if (telegram) {
    const href = `https://t.me/${encodeURIComponent(telegram)}`
    list.push({ kind: 'telegram', href: p ? `${href}?start=${p}` : href })
  }
  if (vk) {
    const href = `https://vk.me/${encodeURIComponent(vk)}`
    list.push({ kind: 'vk', href: p ? `${href}?ref=${p}` : href })
  }
  if (viber) {
    const href = `viber://pa?chatURI=${encodeURIComponent(viber)}`
    list.push({ kind: 'viber', href: p ? `${href}&context=${p}` : href })
  }
  return list
}
