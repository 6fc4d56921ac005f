import {
  type FieldError,
  isCountryCode,
  type UpdateSiteBody,
  validateAgreementTemplate,
  validateWorkingHours,
} from '@parley/protocol'
import { fieldError } from '../../infra/errors.ts'
import { buildSiteRecord, type SiteData, siteDataOf } from './sites.ts'
import type { SiteRecord } from './store.ts'

const COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/
const HANDLES = {
  telegram: /^[A-Za-z][A-Za-z0-9_]{4,31}$/,
  vk: /^[A-Za-z0-9_.]{1,64}$/,
  viber: /^[A-Za-z0-9_.-]{1,64}$/,
} as const

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value
  } catch {
    return false
  }
}

/**
 * Applies a partial admin update to a site: shapes were checked by the route schema; here the
 * rules. Every failed rule is reported at once as `field_invalid` with paths such as
 * `agreement.inn`, `workingHours.days.mon`, `button.color`. Returns the new record.
 */
export function applySiteUpdate(record: SiteRecord, body: UpdateSiteBody): SiteRecord {
  const data: SiteData = { ...siteDataOf(record) }
  const fields: FieldError[] = []
  if (body.name !== undefined) data.name = body.name.trim()
  if (body.name !== undefined && data.name === '') fields.push({ field: 'name', code: 'required' })
  if (body.locale !== undefined) data.locale = body.locale
  if (body.storage !== undefined) data.storage = body.storage
  if (body.defaultCountry !== undefined) {
    if (body.defaultCountry !== null && !isCountryCode(body.defaultCountry))
      fields.push({ field: 'defaultCountry', code: 'country_invalid' })
    else data.defaultCountry = body.defaultCountry
  }
  if (body.allowedOrigins !== undefined) {
    body.allowedOrigins.forEach((origin, i) => {
      if (!isOrigin(origin)) fields.push({ field: `allowedOrigins.${i}`, code: 'url_invalid' })
    })
    data.origins = body.allowedOrigins
  }
  if (body.theme !== undefined) {
    if (!COLOR.test(body.theme.accent))
      fields.push({ field: 'theme.accent', code: 'color_invalid' })
    data.theme = body.theme
  }
  if (body.chat !== undefined) data.chat = body.chat
  if (body.button !== undefined) {
    if (!COLOR.test(body.button.color))
      fields.push({ field: 'button.color', code: 'color_invalid' })
    if (body.button.label.trim() === '') fields.push({ field: 'button.label', code: 'required' })
    data.button = body.button
  }
  if (body.channels !== undefined) {
    for (const key of ['telegram', 'vk', 'viber'] as const) {
      const value = body.channels[key]
      if (value !== undefined && value !== '' && !HANDLES[key].test(value)) {
        fields.push({ field: `channels.${key}`, code: 'value_invalid' })
      }
    }
    const channels = { chat: body.channels.chat, callback: body.channels.callback }
    for (const key of ['telegram', 'vk', 'viber'] as const) {
      const value = body.channels[key]
      if (value) Object.assign(channels, { [key]: value })
    }
    data.channels = channels
  }
  if (body.workingHours !== undefined) {
    if (body.workingHours !== null) {
      for (const f of validateWorkingHours(body.workingHours)) {
        fields.push({ field: `workingHours.${f.field}`, code: f.code })
      }
    }
    data.workingHours = body.workingHours
  }
  if (body.prechat !== undefined)
    data.prechat = { ...body.prechat, fields: [...new Set(body.prechat.fields)] }
  if (body.agreement !== undefined) {
    if (body.agreement === null) data.agreementTemplate = null
    else {
      const checked = validateAgreementTemplate(body.agreement)
      if (checked.ok) data.agreementTemplate = checked.value
      else
        for (const f of checked.fields) fields.push({ field: `agreement.${f.field}`, code: f.code })
    }
  }
  if (body.identitySecret !== undefined) data.identitySecret = body.identitySecret
  if (body.identityVerification !== undefined) {
    data.identityVerification = body.identityVerification
  }
  if (data.identityVerification === 'required' && !data.identitySecret) {
    fields.push({ field: 'identitySecret', code: 'required' })
  }
  if (fields.length > 0) throw fieldError(fields)
  return buildSiteRecord(record.config.siteId, data)
}
