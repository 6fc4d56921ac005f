import type { AgreementRef, FieldError } from '@parley/protocol'
import { type FormStrings, fieldMessage } from './strings.ts'

interface FieldProps {
  /** Prefix unique to the form in this shadow root. */
  form: string
  name: string
  label: string
  s: FormStrings
  errors: readonly FieldError[]
  /** `textarea` for the message; otherwise an input. */
  multiline?: boolean
  type?: 'text' | 'tel' | 'email'
  autocomplete?: string
  value?: string
  required?: boolean
}

/**
 * A labelled field; its error (from the browser's or the relay's check, same
 * message) is shown next to it and tied with `aria-describedby` + `aria-invalid`.
 */
export function Field(props: FieldProps) {
  const { form, name, label, s, errors, multiline, type = 'text', autocomplete, value } = props
  const id = `${form}-${name}`
  const code = errors.find((e) => e.field === name)?.code
  const control = {
    id,
    name,
    class: 'control',
    autoComplete: autocomplete,
    defaultValue: value,
    'aria-invalid': code ? ('true' as const) : undefined,
    'aria-describedby': code ? `${id}-error` : undefined,
    'aria-required': props.required ? ('true' as const) : undefined,
  }
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {multiline ? (
        <textarea rows={3} {...control} />
      ) : (
        <input {...control} type={type as 'text'} />
      )}
      {code ? (
        <p id={`${id}-error`} class="error">
          {fieldMessage(s, code)}
        </p>
      ) : null}
    </div>
  )
}

interface ConsentProps {
  form: string
  s: FormStrings
  agreement: AgreementRef | null | undefined
  /** Resolves a relative agreement URL. */
  host: string
  locale: string
  checked: boolean
  onChange(checked: boolean): void
}

/** "I agree to the processing of my personal data under the user agreement" (linked). */
export function Consent({ form, s, agreement, host, locale, checked, onChange }: ConsentProps) {
  const id = `${form}-consent`
  let href: string | undefined
  if (agreement?.url) {
    const url = new URL(agreement.url, host)
    if (!url.searchParams.has('lang')) url.searchParams.set('lang', locale)
    href = url.href
  }
  return (
    <div class="field field--check">
      <input
        id={id}
        type="checkbox"
        name="consent"
        checked={checked}
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
      <label for={id}>
        {s.consentBefore}
        {href ? (
          <a href={href} target="_blank" rel="noopener noreferrer">
            {s.consentLink}
          </a>
        ) : (
          s.consentLink
        )}
      </label>
    </div>
  )
}
