/**
 * The lazy forms chunk (built as `chunks/forms-*.js`, left out of the "first
 * open" size budget): callback, offline and pre-chat forms, and the rating.
 * Only these import the validators of `@parley/protocol/forms`.
 */
import type { ParleyError } from '@parley/client'
import {
  nextSlots,
  validateCallback,
  validateOffline,
  validatePrechat,
} from '@parley/protocol/forms'
import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import type { WidgetController } from '../controller.ts'
import type { Strings } from '../i18n.ts'
import { Consent, Field } from './fields.tsx'
import { type FormStrings, formStrings } from './strings.ts'
import { useForm, useFormStyles } from './use-form.ts'

/** What every lazy component gets from the panel. */
export interface FormProps {
  controller: WidgetController
  t: Strings
  /** Closes the panel, focus back on the omni-button. */
  onClose(): void
}

type Form = ReturnType<typeof useForm>

interface ShellProps {
  controller: WidgetController
  form: Form
  t: Strings
  s: FormStrings
  intro: string
  submitLabel: string
  doneText: string
  onSubmit(values: Record<string, string>): void
  onClose(): void
  children: ComponentChildren
}

/** The frame of a form: intro, fields, consent, problems, submit; then the confirmation. */
function Shell({
  controller,
  form,
  t,
  s,
  intro,
  submitLabel,
  doneText,
  onSubmit,
  onClose,
  children,
}: ShellProps) {
  const done = useRef<HTMLParagraphElement>(null)
  useEffect(() => {
    if (form.status === 'done') done.current?.focus()
  }, [form.status])
  if (form.status === 'done') {
    return (
      <div class="form">
        <p ref={done} class="done" role="status" tabIndex={-1}>
          {doneText}
        </p>
        <button type="button" class="submit" onClick={onClose}>
          {s.close}
        </button>
      </div>
    )
  }
  const config = controller.$config.get()
  return (
    <form
      ref={form.ref}
      class="form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        if (form.consent && form.status === 'editing') onSubmit(form.values())
      }}
    >
      <p class="intro">{intro}</p>
      {children}
      <Consent
        form={form.id}
        s={s}
        agreement={config?.agreement}
        host={controller.host}
        locale={controller.locale()}
        checked={form.consent}
        onChange={(checked) => {
          controller.interact()
          form.setConsent(checked)
        }}
      />
      {form.problem ? (
        <p class="problem" role="alert">
          {form.problem === 'consent' ? s.consentChanged : s.failed}
        </p>
      ) : null}
      <button type="submit" class="submit" disabled={!form.consent || form.status === 'sending'}>
        {form.status === 'sending' ? t.sending : submitLabel}
      </button>
    </form>
  )
}

/** Name, phone (→ E.164, national formats read by the site's `defaultCountry`), when (as soon as possible or a slot in working hours). */
export function CallbackForm({ controller, t, onClose }: FormProps) {
  const s = formStrings(controller.locale())
  const form = useForm(controller)
  const config = controller.$config.get()
  const locale = controller.locale()
  const [slots] = useState(() => nextSlots(config?.workingHours, controller.now(), 6))
  const [chosen, setChosen] = useState<string>()
  const format = new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  })
  const when = `${form.id}-when`
  const code = form.errors.find((e) => e.field === 'when')?.code
  return (
    <Shell
      controller={controller}
      form={form}
      t={t}
      s={s}
      intro={s.callbackIntro}
      submitLabel={s.callbackSubmit}
      doneText={s.callbackDone(chosen)}
      onClose={onClose}
      onSubmit={(v) => {
        const slot = v.when && v.when !== 'asap' ? Number(v.when) : 'asap'
        setChosen(slot === 'asap' ? undefined : format.format(slot))
        void form.submit(
          validateCallback(
            { name: v.name ?? '', phone: v.phone ?? '', when: slot },
            {
              locale,
              country: config?.defaultCountry,
              workingHours: config?.workingHours ?? null,
              now: controller.now(),
            },
          ),
          (value, consent) => controller.submitCallback({ ...value, consent }),
        )
      }}
    >
      <Field
        form={form.id}
        name="name"
        label={s.name}
        s={s}
        errors={form.errors}
        autocomplete="name"
        required
      />
      <Field
        form={form.id}
        name="phone"
        label={s.phone}
        s={s}
        errors={form.errors}
        type="tel"
        autocomplete="tel"
        required
      />
      <div class="field">
        <label for={when}>{s.when}</label>
        <select
          id={when}
          name="when"
          class="control"
          aria-invalid={code ? 'true' : undefined}
          aria-describedby={code ? `${when}-error` : undefined}
        >
          <option value="asap">{s.asap}</option>
          {slots.map((slot) => (
            <option key={slot} value={String(slot)}>
              {format.format(slot)}
            </option>
          ))}
        </select>
        {code ? (
          <p id={`${when}-error`} class="error">
            {s.errors.slot_invalid}
          </p>
        ) : null}
      </div>
    </Shell>
  )
}

/** Name, email or phone, message; `text` prefills the message (the chat's unsent draft). */
export function OfflineForm({ controller, t, onClose, text }: FormProps & { text?: string }) {
  const s = formStrings(controller.locale())
  const form = useForm(controller)
  const locale = controller.locale()
  const country = controller.$config.get()?.defaultCountry
  return (
    <Shell
      controller={controller}
      form={form}
      t={t}
      s={s}
      intro={s.offlineIntro}
      submitLabel={s.offlineSubmit}
      doneText={s.offlineDone}
      onClose={onClose}
      onSubmit={(v) => {
        const input = { name: v.name ?? '', email: v.email, phone: v.phone, text: v.text ?? '' }
        void form.submit(validateOffline(input, { locale, country }), (value, consent) => {
          controller.draft = ''
          return controller.submitOffline({ ...value, consent })
        })
      }}
    >
      <Field
        form={form.id}
        name="name"
        label={s.name}
        s={s}
        errors={form.errors}
        autocomplete="name"
        required
      />
      <Field
        form={form.id}
        name="email"
        label={s.email}
        s={s}
        errors={form.errors}
        type="email"
        autocomplete="email"
      />
      <Field
        form={form.id}
        name="phone"
        label={s.phone}
        s={s}
        errors={form.errors}
        type="tel"
        autocomplete="tel"
      />
      <Field
        form={form.id}
        name="text"
        label={t.message}
        s={s}
        errors={form.errors}
        multiline
        value={text}
        required
      />
    </Shell>
  )
}

/** The site's pre-chat fields, before the first message. */
export function PrechatForm({ controller, t, onClose }: FormProps) {
  const s = formStrings(controller.locale())
  const form = useForm(controller)
  const locale = controller.locale()
  const config = controller.$config.get()
  const fields = config?.prechat?.fields ?? ['name']
  const types = { name: 'text', phone: 'tel', email: 'email' } as const
  return (
    <Shell
      controller={controller}
      form={form}
      t={t}
      s={s}
      intro={s.prechatIntro}
      submitLabel={s.prechatSubmit}
      doneText=""
      onClose={onClose}
      onSubmit={(v) => {
        void form.submit(
          validatePrechat(v, { locale, country: config?.defaultCountry, fields }),
          (value, consent) => controller.submitPrechat({ ...value, consent }),
        )
      }}
    >
      {fields.map((name) => (
        <Field
          key={name}
          form={form.id}
          name={name}
          label={s[name]}
          s={s}
          errors={form.errors}
          type={types[name]}
          autocomplete={name === 'phone' ? 'tel' : name}
          required
        />
      ))}
    </Shell>
  )
}

/** Five buttons "Rate 1 of 5" … "Rate 5 of 5" once the operator closed the conversation. */
export function Rating({
  controller,
  conversationId,
}: Pick<FormProps, 'controller' | 't'> & { conversationId: string }) {
  const s = formStrings(controller.locale())
  const [sending, setSending] = useState(false)
  const [failed, setFailed] = useState(false)
  const ref = useRef<HTMLFieldSetElement>(null)
  useFormStyles(ref)
  return (
    <fieldset ref={ref} class="rating">
      <legend class="rate-label">{s.rate}</legend>
      {[1, 2, 3, 4, 5].map((n) => (
        <button
          key={n}
          type="button"
          class="star"
          aria-label={s.rateN(n)}
          disabled={sending}
          onClick={() => {
            setSending(true)
            setFailed(false)
            // Rated, the stars go: focus moves on to what follows them ("Start a new
            // conversation"), not to the page.
            const next = ref.current?.nextElementSibling as HTMLElement | null | undefined
            controller.rate(conversationId, n).then(
              () => next?.focus(),
              (_: ParleyError) => {
                setSending(false)
                setFailed(true)
              },
            )
          }}
        >
          ★
        </button>
      ))}
      {failed ? (
        <p class="problem" role="alert">
          {s.failed}
        </p>
      ) : null}
    </fieldset>
  )
}
