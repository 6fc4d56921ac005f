import type { ChannelKind } from '../channels.ts'

/** Stroke paths (24×24) of the widget's icons: few bytes, no icon font. */
const PATHS: Record<ChannelKind | 'close' | 'down', string> = {
  chat: 'M4 5h16v11H9l-5 4z',
  callback:
    'M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2',
  telegram: 'M21 4 3 11l6 2 2 6 3-4 5 4zM9 13l12-9',
  vk: 'M3 7l3 10 3-10M13 7v10M19 7l-6 5 6 5',
  // Viber's mark: a rounded-square bubble (WhatsApp's is round), a handset, its signal arcs.
  viber:
    'M7 3h10a4 4 0 0 1 4 4v6a4 4 0 0 1-4 4h-6l-4 4v-4a4 4 0 0 1-4-4V7a4 4 0 0 1 4-4zM8 7c0 3 2 5 5 5M13 5a3 3 0 0 1 3 3',
  close: 'M6 6l12 12M18 6 6 18',
  down: 'M6 9l6 6 6-6',
}

/** A decorative icon (hidden from assistive technology: the control carries the name). */
export function Icon({ name }: { name: keyof typeof PATHS }) {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" class="icon">
      <path d={PATHS[name]} />
    </svg>
  )
}
