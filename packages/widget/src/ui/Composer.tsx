import type { Ref } from 'preact'
import { useRef } from 'preact/hooks'
import type { Strings } from '../i18n.ts'

interface ComposerProps {
  t: Strings
  inputRef: Ref<HTMLTextAreaElement>
  /** Called on the visitor's first touch of the textbox: consent to connect. */
  onInteract(): void
  onSend(text: string): void
  onTyping(typing: boolean): void
}

/** Message textbox and Send button. Enter sends, Shift+Enter starts a new line. */
export function Composer({ t, inputRef, onInteract, onSend, onTyping }: ComposerProps) {
  const typing = useRef(false)

  function setTyping(value: boolean) {
    if (typing.current === value) return
    typing.current = value
    onTyping(value)
  }

  function fit(el: HTMLTextAreaElement) {
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
    setTyping(false)
  }

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault()
        submit(e.currentTarget.querySelector('textarea'))
      }}
    >
      <textarea
        ref={inputRef}
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
          onInteract()
          fit(e.currentTarget)
          setTyping(e.currentTarget.value.trim() !== '')
        }}
      />
      <button type="submit" class="send">
        {t.send}
      </button>
    </form>
  )
}
