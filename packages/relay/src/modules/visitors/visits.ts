import type { VisitorHello, VisitRegion } from '@parley/protocol'
import type { VisitRecord } from './store.ts'

/** Longest `utm_source` kept; anything past it is cut. */
const UTM_SOURCE_LENGTH = 128

/** `utm_source` from a page address's query, if it has one. */
export function utmSourceOf(url: string): string | undefined {
  try {
    const source = new URL(url).searchParams.get('utm_source')?.trim()
    return source ? source.slice(0, UTM_SOURCE_LENGTH) : undefined
  } catch {
    return undefined
  }
}

/**
 * The page a visitor's `hello` names, as the visitor card lists it: the address and title,
 * the referrer, the UTM source and the region the relay looked up. `undefined` when the
 * widget named no page.
 */
export function visitOf(
  who: { siteId: string; visitorId: string },
  hello: Pick<VisitorHello, 'page' | 'referrer'>,
  where: VisitRegion | undefined,
  at: number,
): VisitRecord | undefined {
  if (!hello.page?.url) return undefined
  const visit: VisitRecord = {
    siteId: who.siteId,
    visitorId: who.visitorId,
    url: hello.page.url,
    at,
  }
  if (hello.page.title) visit.title = hello.page.title
  if (hello.referrer) visit.referrer = hello.referrer
  const utm = utmSourceOf(hello.page.url)
  if (utm) visit.utmSource = utm
  if (where?.country) visit.country = where.country
  if (where?.region) visit.region = where.region
  return visit
}
