/** Timers the throttle uses; tests pass fakes. */
export interface TypingTimers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/**
 * Turns every keystroke into few `typing` frames: `true` at most once per
 * `everyMs` while the visitor types, `false` after `idleMs` without a key or
 * at once when the text is sent or emptied.
 */
export function throttleTyping(
  send: (typing: boolean) => void,
  now: () => number,
  /** @default the globals, called as methods of the global object (browsers demand it) */
  timers: TypingTimers = globalThis,
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
    const at = now()
    if (at - last < everyMs) return
    last = at
    send(true)
  }
  typing.cancel = clear
  return typing
}
