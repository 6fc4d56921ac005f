import type { FieldError, FormResult } from './fields.ts'
import { isValidEmail, isValidHttpUrl } from './phone.ts'

function digitsOf(value: string): number[] {
  return [...value].map(Number)
}

function weighted(digits: number[], weights: number[]): number {
  return weights.reduce((sum, weight, i) => sum + weight * (digits[i] ?? 0), 0)
}

/** Russian taxpayer number: 10 digits (company) or 12 (person), with the official checksum. */
export function isValidInn(raw: string): boolean {
  if (!/^\d{10}$|^\d{12}$/.test(raw)) return false
  const d = digitsOf(raw)
  if (d.length === 10) {
    return (weighted(d, [2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11) % 10 === d[9]
  }
  const n11 = (weighted(d, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11) % 10
  const n12 = (weighted(d, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11) % 10
  return n11 === d[10] && n12 === d[11]
}

function mod(digits: string, divisor: number): number {
  let rest = 0
  for (const digit of digits) rest = (rest * 10 + Number(digit)) % divisor
  return rest
}

/** OGRN (13 digits, check = first 12 mod 11 mod 10) or OGRNIP (15, first 14 mod 13 mod 10). */
export function isValidOgrn(raw: string): boolean {
  if (/^\d{13}$/.test(raw)) return mod(raw.slice(0, 12), 11) % 10 === Number(raw[12])
  if (/^\d{15}$/.test(raw)) return mod(raw.slice(0, 14), 13) % 10 === Number(raw[14])
  return false
}

/** What the agreement text is rendered from. */
export interface AgreementTemplate {
  company: string
  /** 10 or 12 digits with checksum. */
  inn: string
  legalAddress: string
  email: string
  /** http(s) URL of the site. */
  siteUrl: string
  /** Optional: 13-digit OGRN or 15-digit OGRNIP with checksum. */
  ogrn?: string
}

const LIMITS = { company: 300, legalAddress: 500, email: 254, siteUrl: 2048 } as const

/**
 * Checks an agreement template: every field but `ogrn` required, INN/OGRN checksums,
 * email and URL. Field names are the template keys (the relay prefixes `agreement.`).
 */
export function validateAgreementTemplate(
  input: Partial<Record<keyof AgreementTemplate, unknown>>,
): FormResult<AgreementTemplate> {
  const fields: FieldError[] = []
  const str = (key: keyof AgreementTemplate) => {
    const value = input[key]
    return typeof value === 'string' ? value.trim() : ''
  }
  for (const key of ['company', 'legalAddress'] as const) {
    const value = str(key)
    if (value === '') fields.push({ field: key, code: 'required' })
    else if (value.length > LIMITS[key]) fields.push({ field: key, code: 'too_long' })
  }
  const inn = str('inn')
  if (inn === '') fields.push({ field: 'inn', code: 'required' })
  else if (!isValidInn(inn)) fields.push({ field: 'inn', code: 'inn_invalid' })
  const email = str('email')
  if (email === '') fields.push({ field: 'email', code: 'required' })
  else if (!isValidEmail(email)) fields.push({ field: 'email', code: 'email_invalid' })
  const siteUrl = str('siteUrl')
  if (siteUrl === '') fields.push({ field: 'siteUrl', code: 'required' })
  else if (siteUrl.length > LIMITS.siteUrl || !isValidHttpUrl(siteUrl)) {
    fields.push({ field: 'siteUrl', code: 'url_invalid' })
  }
  const ogrn = str('ogrn')
  if (ogrn !== '' && !isValidOgrn(ogrn)) fields.push({ field: 'ogrn', code: 'ogrn_invalid' })
  if (fields.length > 0) return { ok: false, fields }
  const value: AgreementTemplate = {
    company: str('company'),
    inn,
    legalAddress: str('legalAddress'),
    email,
    siteUrl,
  }
  if (ogrn !== '') value.ogrn = ogrn
  return { ok: true, value }
}
