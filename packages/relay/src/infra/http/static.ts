import { existsSync } from 'node:fs'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'

/**
 * Built front-ends: the widget under `/widget/` (CORS `*`, any site embeds it),
 * the console under `/console/`, and the demo site at `/` with `--demo`.
 * A directory that does not exist yet is skipped with a log line.
 */
export async function staticRoutes(app: FastifyInstance): Promise<void> {
  const { staticDirs, demo } = app.config
  let decorated = false
  const serve = async (root: string, prefix: string, extra: Record<string, unknown> = {}) => {
    if (!existsSync(root)) {
      app.log.info({ root, prefix }, 'static directory missing; not served')
      return false
    }
    await app.register(fastifyStatic, {
      root,
      prefix,
      decorateReply: !decorated,
      redirect: true,
      ...extra,
    })
    decorated = true
    return true
  }

  await serve(staticDirs.widget, '/widget/', {
    setHeaders: (reply: FastifyReply) => {
      reply.header('access-control-allow-origin', '*')
      reply.header('cross-origin-resource-policy', 'cross-origin')
    },
  })
  // Files and redirects are not part of the REST API document (`@fastify/static` hides its own).
  const hide = { schema: { hide: true } }
  const hasConsole = await serve(staticDirs.console, '/console/')
  if (hasConsole) app.get('/console', hide, (_request, reply) => reply.redirect('/console/', 301))
  const hasDemo = demo ? await serve(staticDirs.demoSite, '/') : false
  if (!hasDemo && hasConsole) {
    app.get('/', hide, (_request, reply) => reply.redirect('/console/'))
  }
}
