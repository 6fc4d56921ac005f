import type { ChannelKind } from './channels.ts'

// No schema here: the console's shell imports these, and a TypeBox schema would bring TypeBox.

/** What an operator may send as a photo (`POST /v1/conversations/:id/attachments`): images only. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const

/**
 * The channels an operator's photo goes to; any other conversation (the widget's, Viber, e-mail)
 * refuses the upload with `attachment_channel_unsupported`, and the console offers none.
 */
export const PHOTO_CHANNELS: readonly ChannelKind[] = ['telegram', 'vk']
