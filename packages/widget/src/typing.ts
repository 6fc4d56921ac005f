/** Timers the throttle uses; tests pass fakes. */
export interface TypingTimers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  now(): number
}

/**
 * Turns every keystroke into few `typing` frames: `true` at most once per
 * `everyMs` while the visitor types, `false` after `idleMs` without a key or
 * at once when the text is sent or emptied.
 */
export function throttleTyping(
  send: (typing: boolean) => void,
  timers: TypingTimers,
  everyMs = 3000,
  idleMs = 5000,
): { (typing: boolean): void; cancel(): void } {
  let last = Number.NEGATIVE_INFINITY
  let idle: unknown
  const clear = () => {
    if (idle !== undefined) timers.clearTimeout(idle)
    idle = undefined
  }
  const stop = () => {
    clear()
    if (last === Number.NEGATIVE_INFINITY) return
    last = Number.NEGATIVE_INFINITY
    send(false)
  }
  const typing = (value: boolean) => {
    if (!value) {
      stop()
      return
    }
    clear()
    idle = timers.setTimeout(stop, idleMs)
    const now = timers.now()
    if (now - last < everyMs) return
    last = now
    send(true)
  }
  typing.cancel = clear
  return typing
}
