/**
 * The country of numbers typed without `+`: an ISO 3166-1 alpha-2 code (`RU`), or `null`
 * (every number must be international).
 */
export type PhoneCountry = string | null

/**
 * The countries whose national format is read (10-digit numbers): their calling code, then
 * any trunk prefix that may stand for it in an 11-digit number (`8` in Russia and Kazakhstan).
 */
const NATIONAL: Readonly<Record<string, string>> = { RU: '78', KZ: '78', US: '1', CA: '1' }

const ALLOWED = /^[+\d\s().-]*$/

/**
 * Normalises a phone number to E.164 (`+79161234567`), or returns `null`.
 *
 * - `RU`, `KZ`: `8XXXXXXXXXX`, `7XXXXXXXXXX` and 10-digit numbers become `+7XXXXXXXXXX`.
 * - `US`, `CA`: `1XXXXXXXXXX` and 10-digit numbers become `+1XXXXXXXXXX`.
 * - Otherwise the number must start with `+` (or the international prefix `00`) and have
 *   8–15 digits; `+7` and `+1` numbers must have exactly 11.
 * Spaces, dashes, dots and brackets are ignored; any other character makes it invalid.
 */
export function normalizePhone(raw: string, defaultCountry: PhoneCountry): string | null {
  const trimmed = raw.trim()
  if (trimmed === '' || !ALLOWED.test(trimmed)) return null
  if (trimmed.indexOf('+') > 0 || trimmed.split('+').length > 2) return null
  const digits = trimmed.replace(/\D/g, '')
  let international: string | undefined
  if (trimmed.startsWith('+')) international = digits
  else if (digits.startsWith('00')) international = digits.slice(2)
  if (international !== undefined) {
    if (international.length < 8 || international.length > 15) return null
    if (international.startsWith('0')) return null
    if (/^[17]/.test(international) && international.length !== 11) return null
    return `+${international}`
  }
  const national = defaultCountry && NATIONAL[defaultCountry]
  if (national) {
    if (digits.length === 11 && national.includes(digits[0]!))
      return `+${national[0]}${digits.slice(1)}`
    if (digits.length === 10) return `+${national[0]}${digits}`
  }
  return null
}

const EMAIL = /^[^\s@"<>(),;:]+@[^\s@"<>(),;:]+\.[^\s@"<>(),;:.]{2,}$/

/** A practical email check: `local@domain.tld`, at most 254 characters, local part ≤ 64. */
export function isValidEmail(raw: string): boolean {
  const email = raw.trim()
  if (email.length > 254 || !EMAIL.test(email)) return false
  const at = email.lastIndexOf('@')
  const domain = email.slice(at + 1)
  return at <= 64 && !domain.startsWith('.') && !domain.includes('..')
}

/** An absolute `http:` or `https:` URL with a host. */
export function isValidHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw.trim())
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
  } catch {
    return false
  }
}
