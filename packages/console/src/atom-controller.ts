import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { ReadableAtom } from 'nanostores'

/**
 * Keeps a Lit element subscribed to one nanostores atom while the element is
 * connected, and re-renders it on every change. Unlike `@nanostores/lit`'s
 * `StoreController`, the atom can be swapped (`setAtom`), which a view needs when
 * it switches to another conversation's `messages(id)`.
 */
export class AtomController<T> implements ReactiveController {
  readonly #host: ReactiveControllerHost
  #atom: ReadableAtom<T> | undefined
  #off: (() => void) | undefined
  #connected = false

  constructor(host: ReactiveControllerHost, atom?: ReadableAtom<T>) {
    this.#host = host
    this.#atom = atom
    host.addController(this)
  }

  /** The atom's current value, or `undefined` while no atom is set. */
  get value(): T | undefined {
    return this.#atom?.get()
  }

  /** Subscribes to `atom` instead of the current one (no-op when it is the same). */
  setAtom(atom: ReadableAtom<T> | undefined): void {
    if (atom === this.#atom) return
    this.#unsubscribe()
    this.#atom = atom
    if (this.#connected) this.#subscribe()
    this.#host.requestUpdate()
  }

  hostConnected(): void {
    this.#connected = true
    this.#subscribe()
  }

  hostDisconnected(): void {
    this.#connected = false
    this.#unsubscribe()
  }

  #subscribe(): void {
    if (!this.#atom || this.#off) return
    this.#off = this.#atom.listen(() => this.#host.requestUpdate())
    // The value may have changed while nobody listened.
    this.#host.requestUpdate()
  }

  #unsubscribe(): void {
    this.#off?.()
    this.#off = undefined
  }
}
