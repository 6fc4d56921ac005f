import { isWithinWorkingHours, type WorkingHours } from './hours.ts'
import { isValidEmail, normalizePhone, type PhoneCountry } from './phone.ts'

/**
 * Stable field codes. The widget maps them to ru/en messages; the relay returns the same
 * codes in `error.fields` / the REST body, so the visitor reads the same message either way.
 */
export type FieldCode =
  | 'required'
  | 'too_long'
  | 'too_many'
  | 'phone_invalid'
  | 'email_invalid'
  | 'contact_required'
  | 'slot_invalid'
  | 'url_invalid'
  | 'inn_invalid'
  | 'ogrn_invalid'
  | 'timezone_invalid'
  | 'hours_invalid'
  | 'color_invalid'
  | 'country_invalid'
  | 'value_invalid'
  | 'out_of_range'
  | 'unknown_field'
  | 'regex_invalid'
  | 'regex_unsafe'

/** One failed field: `field` names the input (`phone`) or a settings path (`agreement.inn`). */
export interface FieldError {
  field: string
  code: FieldCode
}

/** Either the normalised value or every failed field (in form order). */
export type FormResult<T> = { ok: true; value: T } | { ok: false; fields: FieldError[] }

export interface FormOptions {
  locale: 'ru' | 'en'
  /**
   * The country of phone numbers typed without `+` (the site's `defaultCountry`).
   * @default `RU` in the `ru` locale, else `null` (a `+` is required)
   */
  country?: PhoneCountry
  /** Longest free text (offline message). @default 4000 */
  maxTextLength?: number
}

export const NAME_MAX = 100
export const COMMENT_MAX = 1000

type Fields = FieldError[]

function text(
  fields: Fields,
  field: string,
  raw: string | undefined,
  max: number,
  required: boolean,
): string | undefined {
  const value = (raw ?? '').trim()
  if (value === '') {
    if (required) fields.push({ field, code: 'required' })
    return undefined
  }
  if (value.length > max) {
    fields.push({ field, code: 'too_long' })
    return undefined
  }
  return value
}

function phone(
  fields: Fields,
  raw: string | undefined,
  options: FormOptions,
  required: boolean,
): string | undefined {
  if ((raw ?? '').trim() === '') {
    if (required) fields.push({ field: 'phone', code: 'required' })
    return undefined
  }
  const country =
    options.country !== undefined ? options.country : options.locale === 'ru' ? 'RU' : null
  const normalised = normalizePhone(raw ?? '', country)
  if (normalised === null) fields.push({ field: 'phone', code: 'phone_invalid' })
  return normalised ?? undefined
}

function email(fields: Fields, raw: string | undefined, required: boolean): string | undefined {
  const value = (raw ?? '').trim()
  if (value === '') {
    if (required) fields.push({ field: 'email', code: 'required' })
    return undefined
  }
  if (!isValidEmail(value)) {
    fields.push({ field: 'email', code: 'email_invalid' })
    return undefined
  }
  return value
}

function result<T>(fields: Fields, value: T): FormResult<T> {
  return fields.length > 0 ? { ok: false, fields } : { ok: true, value }
}

export interface CallbackInput {
  name: string
  phone: string
  when: 'asap' | number
  comment?: string
}
export interface CallbackValue {
  name: string
  /** E.164. */
  phone: string
  when: 'asap' | number
  comment?: string
}
export interface CallbackOptions extends FormOptions {
  /** The site's hours; `null` means any time. */
  workingHours?: WorkingHours | null
  /** For the slot check. @default Date.now() */
  now?: number
  /** A slot is still valid until it has ended. @default 60 */
  slotMinutes?: number
}

/**
 * Callback form: name (1–100), phone (→ E.164), when (`asap` or a slot start inside working
 * hours that has not ended, at most 14 days ahead), comment (≤ 1000).
 */
export function validateCallback(
  input: CallbackInput,
  options: CallbackOptions,
): FormResult<CallbackValue> {
  const fields: Fields = []
  const name = text(fields, 'name', input.name, NAME_MAX, true)
  const tel = phone(fields, input.phone, options, true)
  const when = input.when
  if (when !== 'asap') {
    const now = options.now ?? Date.now()
    const slotMs = (options.slotMinutes ?? 60) * 60_000
    const valid =
      typeof when === 'number' &&
      Number.isFinite(when) &&
      when + slotMs > now &&
      when < now + 14 * 24 * 60 * 60_000 &&
      isWithinWorkingHours(options.workingHours, when)
    if (!valid) fields.push({ field: 'when', code: 'slot_invalid' })
  }
  const comment = text(fields, 'comment', input.comment, COMMENT_MAX, false)
  const value: CallbackValue = { name: name ?? '', phone: tel ?? '', when }
  if (comment !== undefined) value.comment = comment
  return result(fields, value)
}

export interface OfflineInput {
  name: string
  email?: string
  phone?: string
  text: string
}
export interface OfflineValue {
  name: string
  email?: string
  phone?: string
  text: string
}

/**
 * Offline form: name, email and/or phone (neither → `contact_required` on field `email`),
 * text (1..maxTextLength).
 */
export function validateOffline(
  input: OfflineInput,
  options: FormOptions,
): FormResult<OfflineValue> {
  const fields: Fields = []
  const name = text(fields, 'name', input.name, NAME_MAX, true)
  const hasEmail = (input.email ?? '').trim() !== ''
  const hasPhone = (input.phone ?? '').trim() !== ''
  if (!hasEmail && !hasPhone) fields.push({ field: 'email', code: 'contact_required' })
  const mail = email(fields, input.email, false)
  const tel = phone(fields, input.phone, options, false)
  const body = text(fields, 'text', input.text, options.maxTextLength ?? 4000, true)
  const value: OfflineValue = { name: name ?? '', text: body ?? '' }
  if (mail !== undefined) value.email = mail
  if (tel !== undefined) value.phone = tel
  return result(fields, value)
}

export type PrechatField = 'name' | 'phone' | 'email'
export interface PrechatInput {
  name?: string
  email?: string
  phone?: string
}
export interface PrechatOptions extends FormOptions {
  /** The fields the site asks for; each is required. Others given are still checked. */
  fields: readonly PrechatField[]
}

/** Pre-chat form: the site's fields are required; every field given must be valid. */
export function validatePrechat(
  input: PrechatInput,
  options: PrechatOptions,
): FormResult<PrechatInput> {
  const fields: Fields = []
  const wants = (field: PrechatField) => options.fields.includes(field)
  const name = text(fields, 'name', input.name, NAME_MAX, wants('name'))
  const tel = phone(fields, input.phone, options, wants('phone'))
  const mail = email(fields, input.email, wants('email'))
  const value: PrechatInput = {}
  if (name !== undefined) value.name = name
  if (tel !== undefined) value.phone = tel
  if (mail !== undefined) value.email = mail
  return result(fields, value)
}

export interface IdentityInput {
  name?: string
  email?: string
  phone?: string
}

/** The optional contact fields of `identify`, checked like pre-chat fields. */
export function validateIdentity(
  input: IdentityInput,
  options: FormOptions,
): FormResult<IdentityInput> {
  return validatePrechat(input, { ...options, fields: [] })
}

export const ATTRIBUTES_MAX_KEYS = 50
export const ATTRIBUTE_KEY_MAX = 64
export const ATTRIBUTE_VALUE_MAX = 256

/** Custom attributes: ≤ 50 keys (`attributes`/`too_many`), key ≤ 64, string value ≤ 256. */
export function validateAttributes(
  attributes: Record<string, string | number | boolean>,
): FieldError[] {
  const fields: Fields = []
  const entries = Object.entries(attributes)
  if (entries.length > ATTRIBUTES_MAX_KEYS) fields.push({ field: 'attributes', code: 'too_many' })
  for (const [key, value] of entries) {
    if (key.trim() === '') fields.push({ field: 'attributes', code: 'required' })
    else if (key.length > ATTRIBUTE_KEY_MAX) {
      fields.push({ field: `attributes.${key.slice(0, 64)}`, code: 'too_long' })
    } else if (typeof value === 'string' && value.length > ATTRIBUTE_VALUE_MAX) {
      fields.push({ field: `attributes.${key}`, code: 'too_long' })
    } else if (typeof value === 'number' && !Number.isFinite(value)) {
      fields.push({ field: `attributes.${key}`, code: 'value_invalid' })
    }
  }
  return fields
}
