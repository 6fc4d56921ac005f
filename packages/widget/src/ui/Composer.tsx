import { useLayoutEffect, useRef } from 'preact/hooks'
import type { Strings } from '../i18n.ts'

interface ComposerProps {
  t: Strings
  /** Text to start with (the draft kept while the panel was closed). */
  initial: string
  /** Take focus when shown (it replaced the button the visitor pressed). */
  focus?: boolean
  /** Called on the visitor's first touch of the textbox: consent to connect. */
  onInteract(): void
  /** The unsent text changed. */
  onDraft(text: string): void
  onSend(text: string): void
  /** Called on every keystroke (true) and on send or empty (false); the controller throttles. */
  onTyping(typing: boolean): void
}

/** Message textbox and Send button. Enter sends, Shift+Enter starts a new line. */
export function Composer(props: ComposerProps) {
  const { t, onInteract, onDraft, onSend, onTyping } = props
  const ref = useRef<HTMLTextAreaElement>(null)
  // Uncontrolled: the draft is written once, so re-renders never reset what is typed.
  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    el.value = props.initial
    if (props.focus) el.focus()
  }, [])

  function fit(el: HTMLTextAreaElement) {
    // CSSOM, not a style attribute: allowed under a strict CSP.
    el.style.height = 'auto'
    el.style.height = `${el.scrollHeight}px`
  }

  function submit(el: HTMLTextAreaElement | null) {
    if (!el) return
    const text = el.value.trim()
    if (!text) return
    onSend(text)
    el.value = ''
    fit(el)
  }

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault()
        submit(ref.current)
      }}
    >
      <textarea
        ref={ref}
        class="input"
        rows={1}
        maxLength={4000}
        aria-label={t.message}
        placeholder={`${t.message}…`}
        onPointerDown={onInteract}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault()
            submit(e.currentTarget)
          }
        }}
        onInput={(e) => {
          const text = e.currentTarget.value
          onInteract()
          onDraft(text)
          fit(e.currentTarget)
          onTyping(text.trim() !== '')
        }}
      />
      <button type="submit" class="send">
        {t.send}
      </button>
    </form>
  )
}
