import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { AgreementQuery, PresenceReply, SiteConfig, SiteParams } from '@parley/protocol'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { relayError } from '../../infra/errors.ts'
import { errors, noContent, PUBLIC, withHeaders } from '../../infra/http/openapi.ts'
import { availability } from '../presence/presence.ts'
import { type AgreementLang, agreementPage } from './agreement.ts'
import { allowSiteOrigin } from './cors.ts'

const common = { tags: ['widget'], security: PUBLIC, params: SiteParams }

/** Public per-site endpoints the widget uses before (or instead of) a socket. */
export async function siteRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const { sites, config, presence, scenarios, region } = app

  /** `GET /v1/sites/:site/config`: what the widget boots from, cacheable by ETag. */
  app.get(
    '/v1/sites/:site/config',
    {
      schema: {
        ...common,
        operationId: 'getSiteConfig',
        summary: 'What the widget boots from',
        description:
          'With an `ETag` (the `configVersion`) and `Cache-Control: no-cache`; `If-None-Match` gets 304. CORS for the origins the site allows.',
        response: {
          200: withHeaders(SiteConfig, {
            etag: { description: 'The quoted `configVersion`' },
            'cache-control': { description: '`no-cache`: revalidate with `If-None-Match`' },
          }),
          304: noContent('Not modified: `If-None-Match` names the current ETag'),
          ...errors('site_not_found'),
        },
      },
    },
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
        return reply.code(304).send()
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
  app.get(
    '/v1/sites/:site/presence',
    {
      schema: {
        ...common,
        operationId: 'getPresence',
        summary: 'Whether anyone can answer now',
        description: 'Chat or the offline form, before any socket. Not cached.',
        response: { 200: PresenceReply, ...errors('site_not_found') },
      },
    },
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
  app.get(
    '/v1/sites/:site/agreement',
    {
      schema: {
        ...common,
        operationId: 'getAgreement',
        summary: 'The consent agreement, as an HTML page',
        description: 'What `SiteConfig.agreement.url` links to; its version is that `version`.',
        querystring: AgreementQuery,
        response: {
          200: {
            description: 'A small self-contained HTML page',
            content: { 'text/html': { schema: Type.String() } },
          },
          ...errors('site_not_found'),
        },
      },
    },
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
