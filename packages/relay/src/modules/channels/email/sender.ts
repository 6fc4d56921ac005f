import { createTransport, type Transporter } from 'nodemailer'
import type { Sender, SendResult } from '../channel.ts'

export interface EmailOptions {
  /** `smtp://user:pass@host:587` or `smtps://…:465` (`PARLEY_SMTP_URL`). */
  url: string
  /** The From of every reply (`PARLEY_SMTP_FROM`). */
  from: string
}

/** An SMTP error's reply code (nodemailer's `responseCode`), if the server gave one. */
function replyCode(error: unknown): number | undefined {
  const code = (error as { responseCode?: unknown })?.responseCode
  return typeof code === 'number' ? code : undefined
}

/**
 * Operators' replies to offline leads by e-mail, through nodemailer. The message id is
 * derived from the outbound id, so a resend is recognisable as the same letter. A 5xx reply
 * (no such mailbox, refused) is final; 4xx and connection failures are retried.
 */
export function emailSender(options: EmailOptions): Sender & { close(): void } {
  let transport: Transporter | undefined
  const transporter = () => {
    transport ??= createTransport(options.url)
    return transport
  }
  return {
    async send(context, message): Promise<SendResult> {
      try {
        const info = await transporter().sendMail({
          from: options.from,
          to: message.chatId,
          subject: `Re: your message to ${context.name}`,
          text: message.text,
          messageId: `<${message.id}@parley>`,
        })
        return { ok: true, externalId: info.messageId }
      } catch (error) {
        const code = replyCode(error)
        const text = (error as Error)?.message ?? String(error)
        return { ok: false, retryable: code === undefined || code < 500, error: text }
      }
    },
    close() {
      transport?.close()
    },
  }
}
