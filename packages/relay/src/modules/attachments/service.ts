import type { AttachmentFacts, AttachmentType } from '@parley/protocol'
import type { Tx, UnitOfWork } from '../../infra/db/unit-of-work.ts'
import { relayError } from '../../infra/errors.ts'
import { randomId } from '../../infra/ids.ts'
import type { Actor } from '../conversations/actor.ts'
import type { AttachmentClaims } from '../conversations/attachment-claims.ts'
import type { ConversationService } from '../conversations/service.ts'
import { cleanName, contentTypeOf, isAcceptedType, isImage } from './content.ts'
import type { AttachmentRecord, AttachmentStore } from './store.ts'

/** Why a file was not stored: the stable codes in the event's `attachmentRefused`. */
export type AttachmentRefusal = NonNullable<AttachmentFacts['attachmentRefused']>

/** What a sender says of a file before it is fetched. */
export interface DeclaredFile {
  name?: string
  mimeType?: string
  size?: number
}

/** A file checked and ready to store with its message: its id is in the message's data. */
export interface AcceptedFile {
  id: string
  name: string
  contentType: AttachmentType
  data: Buffer
}

export interface AttachmentServiceOptions {
  db: UnitOfWork
  store: AttachmentStore
  conversations: ConversationService
  /** Largest file stored, in bytes (`PARLEY_ATTACHMENT_MAX_BYTES`). */
  maxBytes: number
  /** The channels an operator's photo can be sent to (`conversation.channel`). */
  outboundChannels: ReadonlySet<string>
  now: () => number
}

/**
 * Files messages carry. `check` refuses what a sender's description already rules out (so
 * nothing is downloaded), `accept` what the bytes rule out: larger than `maxBytes`
 * (`attachment_too_large`) or not an accepted type by its content
 * (`attachment_type_refused`). An accepted file is stored by `save` in its message's
 * transaction; `open` gives it to an operator who may see its conversation. Outbound, an
 * operator `upload`s a photo to a conversation, and the message that names it `claim`s it.
 */
export class AttachmentService implements AttachmentClaims {
  constructor(private readonly options: AttachmentServiceOptions) {}

  get maxBytes(): number {
    return this.options.maxBytes
  }

  /** A refusal from the declared size and type alone, before any byte is fetched. */
  check(file: DeclaredFile): AttachmentRefusal | undefined {
    if (file.size !== undefined && file.size > this.options.maxBytes) return 'attachment_too_large'
    if (file.mimeType !== undefined && !isAcceptedType(file.mimeType)) {
      return 'attachment_type_refused'
    }
    return undefined
  }

  /** The file as it will be stored, or why it will not be; stores nothing. */
  accept(
    data: Buffer,
    file: DeclaredFile,
    fallbackName: string,
  ): { ok: true; file: AcceptedFile } | { ok: false; code: AttachmentRefusal } {
    if (data.length > this.options.maxBytes) return { ok: false, code: 'attachment_too_large' }
    const name = cleanName(file.name, fallbackName)
    const contentType = contentTypeOf(data, file.mimeType, name)
    if (!contentType) return { ok: false, code: 'attachment_type_refused' }
    return { ok: true, file: { id: randomId('a'), name, contentType, data } }
  }

  /** Stores an accepted file as part of the message `eventId` (in that message's transaction). */
  async save(
    tx: Tx,
    file: AcceptedFile,
    where: { siteId: string; conversationId: string; eventId: string },
  ): Promise<void> {
    await this.options.store.put(tx, {
      ...file,
      ...where,
      size: file.data.length,
      createdAt: this.options.now(),
    })
  }

  /**
   * An operator's photo for a conversation they may see and answer, stored until the message
   * that carries it is sent (`claim`). Only to a messenger that sends photos
   * (`attachment_channel_unsupported`: the widget, Viber and e-mail take text), and only images
   * (`attachment_type_refused` for anything else).
   */
  async upload(
    actor: Actor,
    conversationId: string,
    data: Buffer,
    file: DeclaredFile,
  ): Promise<AttachmentRecord> {
    const conversation = await this.options.conversations.authorise(actor, conversationId)
    if (conversation.status === 'closed') throw relayError('conversation_closed')
    if (!conversation.channel || !this.options.outboundChannels.has(conversation.channel)) {
      throw relayError('attachment_channel_unsupported')
    }
    const checked = this.accept(data, file, 'photo')
    if (!checked.ok && checked.code === 'attachment_too_large') throw this.tooLarge()
    if (!checked.ok || !isImage(checked.file.contentType)) {
      throw relayError('attachment_type_refused', PHOTO_TYPE_MESSAGE)
    }
    const record: AttachmentRecord = {
      ...checked.file,
      siteId: conversation.siteId,
      conversationId,
      eventId: null,
      size: data.length,
      createdAt: this.options.now(),
    }
    await this.options.db.transaction((tx) => this.options.store.put(tx, record))
    return record
  }

  /** `attachment_too_large` for an operator's photo, saying the limit in words they can act on. */
  tooLarge(): Error {
    return relayError(
      'attachment_too_large',
      `The photo is larger than ${megabytes(this.options.maxBytes)}, the most this relay sends`,
    )
  }

  async claim(
    tx: Tx,
    claim: { attachmentId: string; conversationId: string; eventId: string },
  ): Promise<Record<string, string>> {
    const file = await this.options.store.claim(
      tx,
      claim.attachmentId,
      claim.conversationId,
      claim.eventId,
    )
    if (!file) throw relayError('attachment_not_found')
    return { ...attachmentFacts(file) }
  }

  /** The file the message `eventId` carries (what a channel sends with it), if any. */
  forEvent(eventId: string): Promise<AttachmentRecord | undefined> {
    return this.options.store.byEvent(eventId)
  }

  /**
   * The file, for an operator who may see its conversation (routing's rule, as for the
   * conversation's events). Any refusal reads `attachment_not_found`, as for an unknown id.
   */
  async open(actor: Actor, id: string): Promise<AttachmentRecord> {
    const record = await this.options.store.get(id)
    if (!record) throw relayError('attachment_not_found')
    try {
      await this.options.conversations.authorise(actor, record.conversationId)
    } catch {
      throw relayError('attachment_not_found')
    }
    return record
  }
}

/** Why an operator's file is not sent as a photo: what the upload takes, by its bytes. */
const PHOTO_TYPE_MESSAGE = 'Only JPEG, PNG, WebP and GIF images can be sent as photos'

/** `10 MB`, `64 KB`: a byte limit as a person reads it. */
function megabytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`
  return `${Math.round(bytes / 1024)} KB`
}

/** The facts a message's `data` carries about its file (strings, as all event data). */
export function attachmentFacts(
  file: { id: string; name: string; contentType: string; size: number } | undefined,
  refused?: { code: AttachmentRefusal; name: string; type: string | undefined; size?: number },
): AttachmentFacts | undefined {
  if (file) {
    return {
      attachmentId: file.id,
      attachmentName: file.name,
      attachmentType: file.contentType,
      attachmentSize: String(file.size),
    }
  }
  if (!refused) return undefined
  return {
    attachmentRefused: refused.code,
    attachmentName: refused.name,
    attachmentType: refused.type ?? 'application/octet-stream',
    ...(refused.size !== undefined && { attachmentSize: String(refused.size) }),
  }
}
