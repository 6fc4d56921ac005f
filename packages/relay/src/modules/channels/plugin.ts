import type { ChannelKind } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Channel } from './channel.ts'
import { createCredentialBox, secretKeyProblem } from './credentials.ts'
import { emailSender } from './email/sender.ts'
import { ChannelService } from './service.ts'
import type { ChannelStore } from './store.ts'
import { telegramChannel } from './telegram/channel.ts'
import { viberChannel } from './viber/channel.ts'
import { vkChannel } from './vk/channel.ts'

declare module 'fastify' {
  interface FastifyInstance {
    channels: ChannelService
  }
}

/**
 * Decorates `app.channels`: contact points, inbound updates and the outbound outbox (the
 * conversation service's event sink). A database with contact points and no usable
 * `PARLEY_SECRET_KEY` stops the relay at start with how to fix it. Routes: `./routes.ts`.
 */
export const channelsPlugin = fp(
  async (app: FastifyInstance, options: { store: ChannelStore }) => {
    const { config, conversations } = app
    const settings = config.channels
    const stored = await options.store.listContactPoints()
    if (stored.length > 0 && settings.secretKey === undefined) {
      throw new Error(
        `The database has ${stored.length} messenger contact point(s) but ${secretKeyProblem(undefined)}`,
      )
    }
    const kinds = new Map<ChannelKind, Channel>([
      [
        'telegram',
        telegramChannel({
          apiRoot: settings.telegramApiRoot,
        }),
      ],
      ['viber', viberChannel({ apiRoot: settings.viberApiRoot })],
      [
        'vk',
        vkChannel({
          apiBaseUrl: settings.vkApiBaseUrl,
          timeoutMs: settings.policy.requestTimeoutMs,
        }),
      ],
    ])
    const email = settings.smtpUrl
      ? emailSender({ url: settings.smtpUrl, from: settings.smtpFrom })
      : undefined
    const service = new ChannelService({
      db: app.db,
      store: options.store,
      bus: app.bus,
      conversations,
      profiles: app.visitorProfiles,
      startParams: app.startParams,
      siteExists: async (id) => (await app.sites.get(id)) !== undefined,
      groupOf: (siteId, group) => app.routingService.findGroup(siteId, group),
      channels: kinds,
      attachments: app.attachments,
      downloads: {
        timeoutMs: config.attachments.downloadTimeoutMs,
        retryForMs: config.attachments.retryDownloadsForMs,
      },
      ...(email && {
        email: {
          sender: email,
          async siteName(conversationId) {
            const conversation = await conversations.get(conversationId)
            const site = conversation && (await app.sites.get(conversation.siteId))
            return site?.config.name || conversation?.siteId || 'us'
          },
        },
      }),
      emailAwayMs: settings.emailAwayMs,
      visitorLeftAt: (siteId, visitorId) => app.liveVisitors.leftAt(siteId, visitorId),
      box: settings.secretKey ? createCredentialBox(settings.secretKey) : undefined,
      webhookKey: settings.secretKey ?? '',
      publicUrl: config.publicUrl,
      now: config.now,
      timers: config.timers,
      random: settings.random,
      policy: settings.policy,
      pollTimeoutSeconds: settings.pollTimeoutSeconds,
      log: app.log,
      // Several relays: the one holding the duty sends and polls; a look every 5 s backs up
      // the nudges.
      ...(app.clustered && { cluster: { duty: app.duties.get('channels'), pollMs: 5_000 } }),
    })
    app.decorate('channels', service)
    conversations.useEvents(service)
    app.addHook('onReady', () => service.start())
    app.addHook('onClose', async () => {
      await service.close()
      email?.close()
    })
  },
  {
    name: 'parley-channels',
    dependencies: [
      'parley-infra',
      'parley-conversations',
      'parley-visitors',
      'parley-visitor-profiles',
      'parley-sites',
      'parley-routing',
      'parley-attachments',
      'parley-analytics',
    ],
  },
)
