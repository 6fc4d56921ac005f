import { createHmac } from 'node:crypto'
import { startJsonServer } from '../../testing/fake-http.ts'
import { startFakeTelegram, telegramText } from '../../testing/fake-telegram.ts'
import { startFakeViber, viberText } from '../../testing/fake-viber.ts'
import { startFakeVk, vkMessage } from '../../testing/fake-vk.ts'
import type { ChannelContext } from './channel.ts'
import { describeChannel } from './channel-contract.ts'
import { fakeChannel } from './fake-channel.ts'
import { telegramChannel } from './telegram/channel.ts'
import { parseViberJson, viberChannel } from './viber/channel.ts'
import { vkChannel } from './vk/channel.ts'

const context: ChannelContext = {
  contactPointId: 'cp_1',
  name: 'Shop',
  credentials: { token: '123:good' },
  webhookSecret: 'webhook-secret_1',
}

describeChannel('fake', async () => {
  const fake = fakeChannel()
  const sign = (raw: Buffer) => createHmac('sha256', '123:good').update(raw).digest('hex')
  let id = 0
  return {
    channel: fake.channel,
    context,
    textUpdate: (chat, text) => ({ id: ++id, chat, text }),
    request(body, proof) {
      const raw = Buffer.from(JSON.stringify(body))
      const signature = proof === 'wrong' ? sign(Buffer.from('other')) : sign(raw)
      return { raw, headers: proof === 'missing' ? {} : { 'x-fake-signature': signature } }
    },
    saysRetryAfter: true,
    sent: () => fake.sent,
    failNext(failure) {
      fake.failures.push(
        failure === 'down'
          ? { ok: false, retryable: true, error: 'down' }
          : failure === 'refused'
            ? { ok: false, retryable: false, error: 'refused' }
            : { ok: false, retryable: true, retryAfterMs: failure.rateLimited, error: 'slow down' },
      )
    },
    hookUrl: 'https://chat.example.com/hook',
    registered: fake.registered,
    close: async () => undefined,
  }
})

describeChannel('telegram (against a fake Bot API)', async () => {
  const telegram = await startFakeTelegram()
  return {
    channel: telegramChannel({ apiRoot: telegram.apiRoot }),
    context,
    textUpdate: (chat, text) => telegramText(Number(chat), text),
    request(body, proof) {
      const secret = proof === 'wrong' ? 'webhook-secret_2' : context.webhookSecret
      return {
        raw: Buffer.from(JSON.stringify(body)),
        headers: proof === 'missing' ? {} : { 'x-telegram-bot-api-secret-token': secret },
      }
    },
    saysRetryAfter: true,
    sent: () =>
      telegram
        .callsOf('sendMessage')
        .map((c) => ({ chatId: String(c.params.chat_id), text: c.params.text })),
    failNext(failure) {
      if (failure === 'down') {
        telegram.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' })
      } else if (failure === 'refused') {
        telegram.failNext('sendMessage', {
          error_code: 403,
          description: 'Forbidden: bot was blocked by the user',
        })
      } else {
        telegram.failNext('sendMessage', {
          error_code: 429,
          description: `Too Many Requests: retry after ${failure.rateLimited / 1000}`,
          parameters: { retry_after: failure.rateLimited / 1000 },
        })
      }
    },
    hookUrl: 'https://chat.example.com/hook',
    registered: () => telegram.webhook()?.url,
    close: () => telegram.close(),
  }
})

describeChannel('viber (against a fake REST bot API)', async () => {
  const viber = await startFakeViber({ token: 'viber-token' })
  // set_webhook posts Viber's signed `webhook` check to the URL first: a receiver answers it.
  const receiver = await startJsonServer(() => ({ status: 200, body: {} }))
  const viberContext = { ...context, credentials: { token: 'viber-token' } }
  const sign = (raw: Buffer, key = 'viber-token') =>
    createHmac('sha256', key).update(raw).digest('hex')
  return {
    channel: viberChannel({ apiRoot: viber.apiRoot }),
    context: viberContext,
    textUpdate: (chat, text) => parseViberJson(viberText(chat, text)),
    request(body, proof) {
      const raw = Buffer.from(JSON.stringify(body))
      return {
        raw,
        headers:
          proof === 'missing'
            ? {}
            : { 'x-viber-content-signature': proof === 'wrong' ? sign(raw, 'other') : sign(raw) },
      }
    },
    saysRetryAfter: false,
    sent: () =>
      viber.callsOf('send_message').map((c) => ({ chatId: c.body.receiver, text: c.body.text })),
    failNext(failure) {
      if (failure === 'down') viber.failNext('send_message', 12, 'tooManyRequests')
      else if (failure === 'refused') viber.failNext('send_message', 6, 'notSubscribed')
      else viber.failNext('send_message', 12, 'tooManyRequests')
    },
    hookUrl: `${receiver.origin}/hook`,
    registered: viber.webhook,
    async close() {
      await viber.close()
      await receiver.close()
    },
  }
})

describeChannel('vk (against a fake VK API)', async () => {
  const vk = await startFakeVk({ token: 'vk-token' })
  const vkContext = {
    ...context,
    credentials: { token: 'vk-token', secret: 'callback-secret', confirmation: 'a1b2c3d4' },
  }
  return {
    channel: vkChannel({ apiBaseUrl: vk.apiBaseUrl }),
    context: vkContext,
    textUpdate: (chat, text) => vkMessage(Number(chat), text, 'callback-secret'),
    request(body, proof) {
      const update = { ...(body as Record<string, unknown>) }
      if (proof === 'missing') delete update.secret
      if (proof === 'wrong') update.secret = 'guessed'
      return { raw: Buffer.from(JSON.stringify(update)), headers: {} }
    },
    saysRetryAfter: false,
    sent: () => vk.delivered.map((m) => ({ chatId: m.peerId, text: m.text })),
    failNext(failure) {
      if (failure === 'down') vk.failNext('messages.send', 10, 'Internal server error')
      else if (failure === 'refused') {
        vk.failNext('messages.send', 901, "Can't send messages for users without permission")
      } else vk.failNext('messages.send', 9, 'Flood control')
    },
    hookUrl: 'https://chat.example.com/hook',
    // The Callback API server is set in the community's settings: registering checks the token.
    registered: () =>
      vk.callsOf('groups.getById').length > 0 ? 'https://chat.example.com/hook' : undefined,
    close: () => vk.close(),
  }
})
