import { expect, test } from 'vitest'
import { requireWebSocket, socketUrl } from './options.ts'

test('the socket URL follows the host: http becomes ws, https becomes wss', () => {
  expect([
    socketUrl('http://127.0.0.1:8080', '/v1/visitor?site=a%20b'),
    socketUrl('https://chat.example.com/', '/v1/operator'),
  ]).toEqual(['ws://127.0.0.1:8080/v1/visitor?site=a%20b', 'wss://chat.example.com/v1/operator'])
})

test('a missing WebSocket fails at configuration time with a hint', () => {
  const original = globalThis.WebSocket
  // @ts-expect-error simulating Node 20, which has no global WebSocket
  globalThis.WebSocket = undefined
  try {
    expect(() => requireWebSocket({ host: 'http://x' })).toThrow(/pass `WebSocket`/)
  } finally {
    globalThis.WebSocket = original
  }
})
