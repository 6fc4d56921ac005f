import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { buildServer } from '../app.ts'
import { resolveConfig } from '../config/config.ts'
import { resetAdminPassword } from '../modules/auth/bootstrap.ts'
import { openStores } from '../stores.ts'
import { HELP, parseCliOptions } from './options.ts'

/**
 * One line for a listen error the user fixes by choosing another port or host, or
 * `undefined` for any other error.
 */
function listenProblem(error: unknown, address: string): string | undefined {
  const choosePort = 'choose another with --port N or PARLEY_PORT=N (0: any free port)'
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'EADDRINUSE':
      return `${address} is already in use; ${choosePort}`
    case 'EACCES':
      return `no permission to listen on ${address}; ${choosePort}`
    case 'EADDRNOTAVAIL':
      return `${address} is not an address of this machine; choose another with --host ADDR or PARLEY_HOST=ADDR`
    default:
      return undefined
  }
}

/** `parley-relay`: reads options, starts the relay, prints where it listens, stops on signals. */
async function main(): Promise<void> {
  let options: ReturnType<typeof parseCliOptions>
  try {
    options = parseCliOptions(process.argv.slice(2), process.env)
    // Checked here too, so a bad value is a usage error (exit 2), not a crash.
    resolveConfig(options.config)
  } catch (error) {
    console.error(`parley-relay: ${(error as Error).message}\n\n${HELP}`)
    process.exit(2)
  }
  if (options.help) {
    console.log(HELP)
    return
  }
  const { config } = options
  if (config.databaseUrl === undefined && config.databasePath !== ':memory:')
    mkdirSync(dirname(config.databasePath), { recursive: true })

  if (options.resetAdminPassword) {
    const stores = await openStores(config)
    try {
      const { email, password } = await resetAdminPassword(stores, config.admin?.email ?? '')
      console.log(`Admin password reset.\n  login:    ${email}\n  password: ${password}`)
    } finally {
      await stores.db.close()
    }
    return
  }

  let app: Awaited<ReturnType<typeof buildServer>>
  try {
    app = await buildServer(config)
  } catch (error) {
    // PostgreSQL or Redis out of reach: say which and why, without a stack.
    const message = (error as Error).message ?? ''
    if (!/^PARLEY_(DATABASE|REDIS)_URL: /.test(message)) throw error
    console.error(`parley-relay: ${message}`)
    process.exit(1)
  }
  // Handlers go in before the listening line is printed: whoever reads it may signal at once.
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) process.exit(1)
    stopping = true
    app.log.info({ signal }, 'shutting down')
    try {
      await app.close()
      process.exit(0)
    } catch (error) {
      console.error(error)
      process.exit(1)
    }
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  try {
    await app.listen({ port: options.port, host: options.host })
  } catch (error) {
    const problem = listenProblem(error, `${host}:${options.port}`)
    if (!problem) throw error
    await app.close().catch(() => {})
    // Like a bad option: the same command cannot work until the port or host changes.
    console.error(`parley-relay: ${problem}`)
    process.exit(2)
  }
  const address = app.server.address()
  const port = address && typeof address === 'object' ? address.port : options.port
  const url = `http://${host}:${port}`
  const generated = app.generatedAdminPassword
  const lines = [
    `parley-relay listening on ${url}`,
    ...(config.demo ? [`  demo site: ${url}/`] : []),
    `  console:   ${url}/console/`,
    `  health:    ${url}/healthz`,
    `  admin:     ${app.config.admin.email}`,
    generated
      ? `  password:  ${generated}   (generated now and shown only once; save it)`
      : '  password:  (unchanged; run with --reset-admin-password for a new one)',
  ]
  console.log(lines.join('\n'))
  app.generatedAdminPassword = undefined
}

main().catch((error) => {
  console.error(`parley-relay: ${(error as Error).stack ?? error}`)
  process.exit(1)
})
