/**
 * The published packages as a consumer gets them: `pnpm pack` each public package,
 * `npm install` the tarballs into a fresh project outside the workspace, then build a
 * Vite app with the widget, type-check against the shipped `.d.ts` files, and run the
 * relay from its `bin` with a visitor from the installed `@parley/client`.
 * Needs the packages built (`pnpm build`; scripts/build-if-missing.ts builds what is
 * missing) and the npm registry for third-party dependencies.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const packagesDir = join(root, 'packages')

/** The packages a consumer can install: every `packages/*` not marked private. */
const PUBLIC = readdirSync(packagesDir)
  .map((dir) => JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')))
  .filter((pkg) => !pkg.private)
  .map((pkg) => pkg.name as string)

/** What a tarball may hold at its top level. */
const SHIPPED = [
  'package.json',
  'README.md',
  'LICENSE',
  'dist',
  'lib',
  'bin',
  'migrations',
  'console',
]

/** Child processes get a clean Node: no `--conditions=source`, no tsx. */
const { NODE_OPTIONS: _, ...env } = process.env

let project: string
let relay: ChildProcess | undefined
let relayOutput = ''

const installed = (name: string) => join(project, 'node_modules', name)
const manifest = (name: string) =>
  JSON.parse(readFileSync(join(installed(name), 'package.json'), 'utf8'))

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'parley-pack-'))
  const tarballs = join(project, 'tarballs')
  execFileSync(
    'npx',
    [
      '-y',
      'pnpm@12.4.2',
      '-r',
      ...PUBLIC.flatMap((name) => ['--filter', name]),
      'pack',
      '--pack-destination',
      tarballs,
    ],
    { cwd: root, env, stdio: 'pipe' },
  )
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  )
  // --ignore-scripts: better-sqlite3 would compile SQLite for two minutes; the
  // workspace's build of the same pinned version for this Node is copied below.
  execFileSync(
    'npm',
    [
      'install',
      '--ignore-scripts',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      ...readdirSync(tarballs).map((file) => join(tarballs, file)),
      `ws@${rootManifest.devDependencies.ws}`,
    ],
    { cwd: project, env, stdio: 'pipe' },
  )
  const workspaceSqlite = dirname(
    createRequire(join(packagesDir, 'relay/package.json')).resolve('better-sqlite3/package.json'),
  )
  const binary = 'build/Release/better_sqlite3.node'
  mkdirSync(join(installed('better-sqlite3'), dirname(binary)), { recursive: true })
  copyFileSync(join(workspaceSqlite, binary), join(installed('better-sqlite3'), binary))
}, 240_000)

afterAll(async () => {
  if (relay && relay.exitCode === null) {
    relay.kill('SIGKILL')
    await once(relay, 'exit')
  }
  if (project) rmSync(project, { recursive: true, force: true })
})

describe('the tarballs', () => {
  it.each(PUBLIC)('%s holds only what consumers need', (name) => {
    // node_modules: npm may nest a dependency there; it is not in the tarball.
    const files = readdirSync(installed(name)).filter((file) => file !== 'node_modules')
    expect(files.filter((file) => !SHIPPED.includes(file))).toEqual([])
  })

  it.each(PUBLIC)('%s exports only files it ships, types first, no source condition', (name) => {
    const problems: string[] = []
    const check = (target: unknown, where: string): void => {
      if (typeof target === 'string') {
        // `./dist/*`: the folder before the pattern must be there.
        const path = target.includes('*') ? dirname(target) : target
        if (!readdirSync(dirname(join(installed(name), path))).includes(path.split('/').pop()!))
          problems.push(`${where}: ${target} missing`)
        return
      }
      const conditions = Object.keys(target as object)
      if (conditions.includes('source')) problems.push(`${where}: source condition`)
      if (conditions.includes('types') && conditions[0] !== 'types')
        problems.push(`${where}: types is not first`)
      for (const [key, value] of Object.entries(target as object)) check(value, `${where} ${key}`)
    }
    check(manifest(name).exports, name)
    expect(problems).toEqual([])
  })
})

describe('a consumer', () => {
  it('builds a Vite app that mounts the widget and uses <parley-widget>, without TypeBox', async () => {
    const app = join(project, 'app')
    mkdirSync(join(app, 'src'), { recursive: true })
    writeFileSync(
      join(app, 'index.html'),
      '<!doctype html><div id="chat"></div><parley-widget site="shop"></parley-widget><script type="module" src="/src/main.js"></script>',
    )
    writeFileSync(
      join(app, 'src/main.js'),
      [
        "import { mount } from '@parley/widget'",
        "import '@parley/widget/element'",
        "mount(document.getElementById('chat'), { site: 'shop', host: 'https://chat.example' })",
      ].join('\n'),
    )
    const outDir = join(app, 'dist')
    await build({
      root: app,
      configFile: false,
      logLevel: 'silent',
      build: { outDir, minify: false },
    })
    const assets = readdirSync(join(outDir, 'assets')).filter((file) => file.endsWith('.js'))
    const js = assets.map((file) => readFileSync(join(outDir, 'assets', file), 'utf8')).join('\n')
    expect(js).toContain('customElements.define("parley-widget"')
    expect(js).toContain('Parley: mount() needs the `site` option')
    expect(js).not.toContain('TypeBox.Kind')
    // The forms and scenarios chunks stay lazy in the app's build too.
    expect(assets.some((file) => file.startsWith('forms-'))).toBe(true)
    expect(assets.some((file) => file.startsWith('scenarios-'))).toBe(true)
  })

  it('type-checks against the shipped declarations (nodenext, lib checks on)', () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { createVisitorClient, type VisitorClient } from '@parley/client'
import { PROTOCOL_VERSION, type VisitorInbound } from '@parley/protocol'
import { normalizePhone } from '@parley/protocol/forms'
import { buildServer, type RelayConfig } from '@parley/relay'
import { createEngine } from '@parley/scenarios'
import { mount, type WidgetHandle } from '@parley/widget'
import { ParleyWidgetElement } from '@parley/widget/element'

const client: VisitorClient = createVisitorClient({ host: 'https://chat.example', site: 'shop' })
const handle: WidgetHandle = mount(document.body, { site: 'shop', host: 'https://chat.example' })
const element: ParleyWidgetElement | undefined = document.querySelector('parley-widget') ?? undefined
const config: RelayConfig = { databasePath: ':memory:' }
const version: number = PROTOCOL_VERSION
const phone: string | null = normalizePhone('8 900 123-45-67', 'ru')
const frame: VisitorInbound = { t: 'ping' }
export { buildServer, client, config, createEngine, element, frame, handle, phone, version }
// @ts-expect-error not an option: the declarations are real types, not any
mount(document.body, { site: 'shop', host: 'https://chat.example', colour: 'red' })
`,
    )
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          lib: ['es2023', 'dom', 'dom.iterable'],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          // The relay's declarations use Node's types, as any Node library's do.
          typeRoots: [join(root, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    )
    const tsc = join(
      dirname(createRequire(import.meta.url).resolve('typescript/package.json')),
      'bin/tsc',
    )
    const result = (() => {
      try {
        return execFileSync(process.execPath, [tsc, '-p', project], { env, encoding: 'utf8' })
      } catch (error) {
        return (error as { stdout: string }).stdout
      }
    })()
    expect(result).toBe('')
  })
})

describe('the installed relay', () => {
  let url = ''

  it('starts from its bin on a free port with its migrations and a database in the project', async () => {
    relay = spawn(
      process.execPath,
      [
        join(project, 'node_modules/.bin/parley-relay'),
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--sites',
        'shop',
      ],
      {
        cwd: project,
        env: {
          ...env,
          PARLEY_DATABASE: join(project, 'db/parley.db'),
          PARLEY_ADMIN_PASSWORD: 'pack-test-password',
          PARLEY_GEOIP: 'off',
          PARLEY_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    relay.stdout!.on('data', (chunk) => (relayOutput += chunk))
    relay.stderr!.on('data', (chunk) => (relayOutput += chunk))
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no listening line:\n${relayOutput}`)),
        30_000,
      )
      relay!.stdout!.on('data', () => {
        const match = /^parley-relay listening on (http:\/\/\S+)$/m.exec(relayOutput)
        if (match) {
          clearTimeout(timer)
          resolve(match[1]!)
        }
      })
      relay!.once('exit', (code) => reject(new Error(`relay exited with ${code}:\n${relayOutput}`)))
    })
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    expect(readdirSync(join(project, 'db'))).toContain('parley.db')
  })

  it('acknowledges a message a Node script sends with the installed @parley/client and ws', () => {
    copyFileSync(
      fileURLToPath(new URL('pack/visitor.mjs', import.meta.url)),
      join(project, 'visitor.mjs'),
    )
    const output = execFileSync(process.execPath, ['visitor.mjs', url, 'shop'], {
      cwd: project,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    })
    const ack = JSON.parse(output)
    expect(ack).toMatchObject({
      seq: 1,
      conversationId: expect.any(String),
      cid: expect.any(String),
    })
  })

  // Fails today: config.ts looks for packages/widget/dist under the workspace root,
  // which an installed relay does not have. Flip to `it` when the relay resolves
  // the widget through `@parley/widget` (see ARCHITECTURE.md, "Packages and builds").
  it('serves the script-tag widget from the installed @parley/widget', async () => {
    const loader = await fetch(`${url}/widget/loader.js`)
    expect(loader.status).toBe(200)
    expect(await loader.text()).toBe(
      readFileSync(join(installed('@parley/widget'), 'dist/loader.js'), 'utf8'),
    )
  })

  // Fails today for the same reason: the console is shipped in the tarball's
  // console/ folder, which the relay does not look at yet.
  it('serves the console shipped in its tarball', async () => {
    const page = await fetch(`${url}/console/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toBe(
      readFileSync(join(installed('@parley/relay'), 'console/index.html'), 'utf8'),
    )
  })

  it('stops on SIGTERM with exit code 0', async () => {
    const exited = once(relay!, 'exit')
    relay!.kill('SIGTERM')
    const [code] = await exited
    expect(code, relayOutput).toBe(0)
  })
})
