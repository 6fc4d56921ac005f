import type { PresenceReply, SiteConfig } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { availability } from '../presence/presence.ts'
import { type AgreementLang, agreementPage } from './agreement.ts'
import { allowSiteOrigin } from './cors.ts'

/** Public per-site endpoints the widget uses before (or instead of) a socket. */
export async function siteRoutes(app: FastifyInstance): Promise<void> {
  const { sites, config, presence, scenarios, region } = app

  /** `GET /v1/sites/:site/config`: what the widget boots from, cacheable by ETag. */
  app.get<{ Params: { site: string }; Reply: SiteConfig | undefined }>(
    '/v1/sites/:site/config',
    async (request, reply) => {
      const site = await sites.get(request.params.site)
      if (!site) throw relayError('site_not_found')
      allowSiteOrigin(request, reply, site.origins, config.allowedOrigins)
      const published = await scenarios.siteConfig(site.config)
      const etag = `"${published.configVersion}"`
      reply.header('etag', etag)
      reply.header('cache-control', 'no-cache')
      const match = request.headers['if-none-match']
      if (match?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
        return reply.code(304).send(undefined)
      }
      const { agreement } = published
      if (!agreement) return published
      // The configured public URL, never a client's Host header (it could point the link
      // anywhere), except in the demo; else relative, and the widget resolves it against its host.
      const base =
        config.publicUrl ?? (config.demo ? `${request.protocol}://${request.host}` : undefined)
      if (!base) return published
      return { ...published, agreement: { ...agreement, url: `${base}${agreement.url}` } }
    },
  )

  /** `GET /v1/sites/:site/presence`: chat or offline form, before any socket (not cached). */
  app.get<{ Params: { site: string }; Reply: PresenceReply }>(
    '/v1/sites/:site/presence',
    async (request, reply) => {
      const site = await sites.get(request.params.site)
      if (!site) throw relayError('site_not_found')
      allowSiteOrigin(request, reply, site.origins, config.allowedOrigins)
      reply.header('cache-control', 'no-store')
      const where = await region(request)
      const now = availability(presence.count, site.config, config.now())
      return where ? { ...now, region: where } : now
    },
  )

  /** `GET /v1/sites/:site/agreement?lang=ru|en`: the consent agreement as a small HTML page. */
  app.get<{ Params: { site: string }; Querystring: { lang?: string } }>(
    '/v1/sites/:site/agreement',
    async (request, reply) => {
      const site = await sites.get(request.params.site)
      if (!site?.agreementTemplate) throw relayError('site_not_found', 'No agreement for this site')
      const asked = request.query.lang?.slice(0, 2).toLowerCase()
      const lang: AgreementLang = asked === 'ru' || asked === 'en' ? asked : site.config.locale
      reply.header('content-type', 'text/html; charset=utf-8')
      reply.header('cache-control', 'no-cache')
      reply.header('x-content-type-options', 'nosniff')
      reply.header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *",
      )
      return agreementPage(site.agreementTemplate, lang)
    },
  )
}
