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

/** Types into a textbox the way a user would: set the value, fire `input`. */
export function typeInto(field: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  field.value = value
  field.dispatchEvent(new Event('input', { bubbles: true, composed: true }))
}
