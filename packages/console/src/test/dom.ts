import type { LitElement } from 'lit'

/** Waits until `element` and every Lit element in its shadow tree has rendered. */
export async function settle(element: Element): Promise<void> {
  for (let round = 0; round < 5; round++) {
    await Promise.resolve()
    const pending: Promise<unknown>[] = []
    const visit = (node: Element): void => {
      if ('updateComplete' in node) pending.push((node as LitElement).updateComplete)
      const root = node.shadowRoot
      if (root) for (const child of root.querySelectorAll('*')) visit(child)
      for (const child of node.children) visit(child)
    }
    visit(element)
    await Promise.all(pending)
  }
}

/** `querySelector` that looks through open shadow roots, depth first. */
export function deepQuery<E extends Element = HTMLElement>(
  root: Element | ShadowRoot | Document,
  selector: string,
): E | null {
  const direct = root.querySelector<E>(selector)
  if (direct) return direct
  if (root instanceof Element && root.shadowRoot) {
    const inside = deepQuery<E>(root.shadowRoot, selector)
    if (inside) return inside
  }
  for (const element of root.querySelectorAll('*')) {
    if (element.shadowRoot) {
      const found = deepQuery<E>(element.shadowRoot, selector)
      if (found) return found
    }
  }
  return null
}

/** Every element matching `selector`, through open shadow roots. */
export function deepQueryAll<E extends Element = HTMLElement>(
  root: Element | ShadowRoot | Document,
  selector: string,
): E[] {
  const found: E[] = [...root.querySelectorAll<E>(selector)]
  if (root instanceof Element && root.shadowRoot) {
    found.push(...deepQueryAll<E>(root.shadowRoot, selector))
  }
  for (const element of root.querySelectorAll('*')) {
    if (element.shadowRoot) found.push(...deepQueryAll<E>(element.shadowRoot, selector))
  }
  return found
}

/** The button whose trimmed, whitespace-collapsed text starts with `name`. */
export function buttonNamed(
  root: Element | ShadowRoot | Document,
  name: string,
): HTMLButtonElement {
  const button = deepQueryAll<HTMLButtonElement>(root, 'button').find((b) =>
    textOf(b).startsWith(name),
  )
  if (!button) throw new Error(`No button named "${name}"`)
  return button
}

/** Text content with whitespace collapsed, as a reader would hear it. */
export function textOf(node: Node | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim()
}

/** Types into a textbox the way a user would: set the value, fire `input`. */
export function typeInto(field: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  field.value = value
  field.dispatchEvent(new Event('input', { bubbles: true, composed: true }))
}
