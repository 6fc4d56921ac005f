/** What a channel-effectiveness row of a conversation's page is keyed by. */

/** A page URL without its query and fragment (the landing page a row is about). */
export function pageKey(url: string | null): string | null {
  if (url === null) return null
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname}`
  } catch {
    return url.split(/[?#]/)[0] ?? url
  }
}

/** Where a conversation's page says the visit came from: `utm_source`, else null. */
export function sourceKey(url: string | null): string | null {
  if (url === null) return null
  try {
    return new URL(url).searchParams.get('utm_source')
  } catch {
    return null
  }
}
