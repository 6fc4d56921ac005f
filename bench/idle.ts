/**
 * Idle sockets, run in its own process by bench/run.ts: opens `--sockets` visitor sockets
 * (each says `hello` and waits for `welcome`, then stays silent), prints `open <n>`, and
 * keeps them until the runner ends it.
 */
import { parseArgs } from 'node:util'
import WebSocket from 'ws'

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    site: { type: 'string', default: 'demo' },
    sockets: { type: 'string', default: '10000' },
  },
})
const url = `${values.url!.replace(/^http/, 'ws')}/v1/visitor?site=${values.site}`
const count = Number(values.sockets)
const sockets: WebSocket[] = []

function open(): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    sockets.push(ws)
    ws.once('error', reject)
    ws.once('open', () =>
      ws.send(JSON.stringify({ t: 'hello', v: 1, page: { url: 'http://bench/' } })),
    )
    ws.on('message', function onWelcome(raw) {
      const frame = JSON.parse(String(raw))
      if (frame.t === 'welcome') {
        ws.off('message', onWelcome)
        resolve()
      } else if (frame.t === 'error') reject(new Error(`${frame.code}: ${frame.message}`))
    })
  })
}

for (let i = 0; i < count; i += 200) {
  await Promise.all(Array.from({ length: Math.min(200, count - i) }, open))
}
console.log(`open ${sockets.length}`)
process.on('SIGTERM', () => {
  for (const ws of sockets) ws.terminate()
  process.exit(0)
})
setInterval(() => {}, 1 << 30)
