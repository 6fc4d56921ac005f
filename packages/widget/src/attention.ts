/** What {@link createAttention} needs from the page; tests pass fakes. */
export interface AttentionEnvironment {
  document: Pick<Document, 'title' | 'hidden' | 'addEventListener' | 'removeEventListener'>
  /** @default globalThis.AudioContext (absent: no sound) */
  AudioContext?: typeof AudioContext | undefined
  setInterval(fn: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

/** Draws a hidden tab's visitor back to a new reply. */
export interface Attention {
  /** A new operator reply arrived: beep and blink the title if the tab is hidden. */
  notify(text: string): void
  /** Stops blinking, restores the title, drops listeners. */
  destroy(): void
}

/**
 * A short sine beep through WebAudio (no audio file to download) and a title
 * that alternates with `text` while the tab is hidden; the page's title comes
 * back as soon as the tab is visible again.
 */
export function createAttention(env: AttentionEnvironment): Attention {
  const { document: doc } = env
  let audio: AudioContext | undefined
  let blinking: unknown
  let saved = ''

  function stop(): void {
    if (blinking === undefined) return
    env.clearInterval(blinking)
    blinking = undefined
    doc.title = saved
  }
  const onVisible = () => {
    if (!doc.hidden) stop()
  }
  doc.addEventListener('visibilitychange', onVisible)

  function beep(): void {
    try {
      audio ??= env.AudioContext ? new env.AudioContext() : undefined
      if (!audio) return
      const osc = audio.createOscillator()
      const gain = audio.createGain()
      const t = audio.currentTime
      osc.frequency.value = 880
      gain.gain.setValueAtTime(0.08, t)
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.25)
      osc.connect(gain).connect(audio.destination)
      osc.start(t)
      osc.stop(t + 0.25)
    } catch {
      // Autoplay policy or no audio device: the title still blinks.
    }
  }

  return {
    notify(text) {
      if (!doc.hidden) return
      beep()
      if (blinking !== undefined) return
      saved = doc.title
      let on = false
      blinking = env.setInterval(() => {
        on = !on
        doc.title = on ? text : saved
      }, 1000)
    },
    destroy() {
      stop()
      doc.removeEventListener('visibilitychange', onVisible)
      void audio?.close().catch(() => {})
    },
  }
}
