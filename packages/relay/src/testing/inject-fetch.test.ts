import Fastify from 'fastify'
import { afterAll, describe, expect, it } from 'vitest'
import { injectFetch } from './inject-fetch.ts'

const app = Fastify()
app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body))
app.all('/echo', async (request, reply) => {
  reply.header('set-cookie', ['a=1; Path=/', 'b=2'])
  return {
    method: request.method,
    url: request.url,
    host: request.headers.host,
    type: request.headers['content-type'] ?? null,
    body: request.body ?? null,
  }
})
app.get('/moved', (_request, reply) => reply.redirect('/echo', 301))
app.get('/empty', (_request, reply) => reply.code(204).send())
afterAll(() => app.close())

const origin = 'http://relay.test'
const fetchInjected = injectFetch(app, origin)

describe('the injected fetch', () => {
  it('sends what fetch would: method, path and query, the origin as Host, default content types', async () => {
    const response = await fetchInjected('/echo?x=1', {
      method: 'POST',
      body: new URLSearchParams({ name: 'Anna' }),
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      method: 'POST',
      url: '/echo?x=1',
      host: 'relay.test',
      type: 'application/x-www-form-urlencoded;charset=UTF-8',
      body: 'name=Anna',
    })
    const text = await fetchInjected(new URL('/echo', origin), { method: 'PUT', body: 'hi' })
    expect(await text.json()).toMatchObject({ type: 'text/plain;charset=UTF-8', body: 'hi' })
  })

  it('lets the caller send another Host, and answers every header, Set-Cookie included', async () => {
    const response = await fetchInjected('/echo', { headers: { host: 'evil.example' } })
    expect((await response.json()).host).toBe('evil.example')
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2'])
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it('answers a bodiless status with no body', async () => {
    const response = await fetchInjected('/empty')
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')
  })

  it('answers a redirect as is with redirect: manual, and otherwise rejects instead of following it', async () => {
    const manual = await fetchInjected('/moved', { redirect: 'manual' })
    expect(manual.status).toBe(301)
    expect(manual.headers.get('location')).toBe('/echo')
    await expect(fetchInjected('/moved')).rejects.toThrow(/redirects to \/echo; pass redirect/)
  })

  it('refuses another origin than the one it answers at', async () => {
    await expect(fetchInjected('http://elsewhere.test/echo')).rejects.toThrow(
      'the injected relay answers only at http://relay.test',
    )
  })
})
