import type { ParleyError } from '@parley/client'
import type { Ack, FieldError } from '@parley/protocol'
import type { FormResult } from '@parley/protocol/forms'
import { useLayoutEffect, useRef, useState } from 'preact/hooks'
import type { WidgetController } from '../controller.ts'
import { applyStyles } from '../styles.ts'
import css from './forms.css?inline'

let forms = 0

/**
 * Adopts the forms chunk's own stylesheet (forms and rating) into the shadow root
 * that `ref` is rendered in, while mounted. The rating needs it without any form.
 */
export function useFormStyles(ref: { readonly current: Element | null }): void {
  useLayoutEffect(() => {
    const root = ref.current?.getRootNode()
    return root instanceof ShadowRoot ? applyStyles(root, css) : undefined
  }, [])
}

/** Where a form is: being filled in, on its way, or accepted by the relay. */
export type FormStatus = 'editing' | 'sending' | 'done'

/**
 * State and submit logic shared by the forms: browser-side validation with the
 * relay's field codes, consent gating, relay refusals mapped back onto fields,
 * and a stale agreement (`consent_required`) that reloads the config and asks again.
 */
export function useForm(controller: WidgetController) {
  const [errors, setErrors] = useState<readonly FieldError[]>([])
  const [status, setStatus] = useState<FormStatus>('editing')
  const [problem, setProblem] = useState<'consent' | 'failed' | undefined>()
  const [consent, setConsent] = useState(false)
  const ref = useRef<HTMLFormElement>(null)
  const id = useRef(`parley-form-${++forms}`).current

  useFormStyles(ref)
  useLayoutEffect(() => {
    ref.current?.querySelector<HTMLElement>('input, select, textarea')?.focus()
  }, [])

  function focusFirst(fields: readonly FieldError[]): void {
    const first = fields[0]
    if (first) ref.current?.querySelector<HTMLElement>(`[name="${first.field}"]`)?.focus()
  }

  /** The form's text values by field name. */
  function values(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const el of Array.from(ref.current?.elements ?? [])) {
      const field = el as HTMLInputElement
      if (field.name && field.type !== 'checkbox') out[field.name] = field.value
    }
    return out
  }

  async function submit<T>(
    result: FormResult<T>,
    send: (value: T, consent: { version: string }) => Promise<Ack>,
  ): Promise<void> {
    if (!result.ok) {
      setErrors(result.fields)
      focusFirst(result.fields)
      return
    }
    setErrors([])
    setProblem(undefined)
    setStatus('sending')
    try {
      await send(result.value, { version: controller.$config.get()?.agreement?.version ?? '' })
      setStatus('done')
    } catch (error) {
      setStatus('editing')
      const { code, fields } = error as Partial<ParleyError>
      if (code === 'field_invalid' && fields?.length) {
        setErrors(fields)
        focusFirst(fields)
      } else if (code === 'consent_required') {
        setConsent(false)
        setProblem('consent')
        await controller.reloadConfig()
      } else {
        setProblem('failed')
      }
    }
  }

  return { id, ref, errors, status, problem, consent, setConsent, values, submit }
}
