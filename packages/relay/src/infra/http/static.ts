import { existsSync } from 'node:fs'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'

/** A file vite named by its content (`chunks/forms-<hash>.js`, `assets/index-<hash>.js`). */
const HASHED = /\/(chunks|assets)\/[^/]+-[\w-]{8}\.(js|css)(\.br|\.gz)?$/

/**
 * `Cache-Control` by file: a file named by its content never changes (a year, `immutable`);
 * `loader.js`, the script tag sites paste, five minutes; anything else — HTML and the
 * unhashed `widget.js`, which name hashed files a new build replaces — is revalidated
 * every time (its ETag makes that a 304).
 */
export function cacheControl(path: string): string {
  if (HASHED.test(path)) return 'public, max-age=31536000, immutable'
  if (/\/loader\.js(\.br|\.gz)?$/.test(path)) return 'public, max-age=300'
  return 'public, no-cache'
}

/**
 * Built front-ends: the widget under `/widget/` (CORS `*`, any site embeds it),
 * the console under `/console/`, and the demo site at `/` with `--demo`.
 * A directory that does not exist yet is skipped with a log line. The builds write `.br`
 * and `.gz` beside each file (scripts/compress.ts): `preCompressed` sends the one the
 * client accepts (brotli first), the plain file otherwise.
 */
export async function staticRoutes(app: FastifyInstance): Promise<void> {
  const { staticDirs, demo } = app.config
  let decorated = false
  const serve = async (
    root: string,
    prefix: string,
    setHeaders?: (reply: FastifyReply) => void,
  ) => {
    if (!existsSync(root)) {
      app.log.info({ root, prefix }, 'static directory missing; not served')
      return false
    }
    await app.register(fastifyStatic, {
      root,
      prefix,
      decorateReply: !decorated,
      redirect: true,
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply: FastifyReply, path: string) => {
        reply.header('cache-control', cacheControl(path))
        setHeaders?.(reply)
      },
    })
    decorated = true
    return true
  }

  await serve(staticDirs.widget, '/widget/', (reply) => {
    reply.header('access-control-allow-origin', '*')
    reply.header('cross-origin-resource-policy', 'cross-origin')
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
