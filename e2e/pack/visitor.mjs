// Copied into pack.test.ts's temporary project and run there, so `@parley/client`
// and `ws` are the ones npm installed from the tarballs, not the workspace's.
// Usage: node visitor.mjs <relay origin> <site>; prints the ack as JSON.
import { createVisitorClient } from '@parley/client'
import WebSocket from 'ws'

const [host, site] = process.argv.slice(2)
const client = createVisitorClient({ host, site, WebSocket })
client.on('error', ({ error }) => console.error(`client error ${error.code}: ${error.message}`))
const timer = setTimeout(() => {
  console.error(`no ack within 15 s (status: ${client.$status.get()})`)
  process.exit(1)
}, 15_000)

client.connect()
try {
  const ack = await client.send('Hello from the packed client')
  console.log(JSON.stringify(ack))
} finally {
  clearTimeout(timer)
  client.destroy()
}
