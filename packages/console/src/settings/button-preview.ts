import { css, html, LitElement } from 'lit'
import { styleMap } from 'lit/directives/style-map.js'
import { base } from '../theme.ts'

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
export function textOn(hex: string): '#000000' | '#ffffff' {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim())
  if (!m) return '#ffffff'
  const channel = (i: number) => {
    const c = Number.parseInt(m[1]!.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  const l = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
  // Contrast with black (l + .05) / .05 against white 1.05 / (l + .05): the larger wins.
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000000' : '#ffffff'
}

/**
 * `<parley-button-preview>`: the omni-button as visitors will see it — its label, colour and
 * side of the page — drawn on a sketch of a page, following the form as it is edited. A
 * sketch, not the widget: the widget bundle is not loaded into the console.
 */
export class ParleyButtonPreview extends LitElement {
  static override properties = {
    label: { attribute: false },
    color: { attribute: false },
    position: { attribute: false },
  }

  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .page {
        position: relative;
        height: 7.5rem;
        border: 1px solid var(--parley-border);
        border-radius: var(--parley-radius);
        background: repeating-linear-gradient(
          to bottom,
          var(--parley-surface) 0 1.2rem,
          var(--parley-surface-muted) 1.2rem 1.35rem
        );
        overflow: hidden;
      }
      .button {
        position: absolute;
        bottom: 0.75rem;
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        max-width: calc(100% - 1.5rem);
        padding: 0.55rem 1rem;
        border-radius: 999px;
        font-weight: 600;
        font-size: 0.9rem;
        box-shadow: 0 4px 14px rgb(0 0 0 / 0.2);
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .right {
        right: 0.75rem;
      }
      .left {
        left: 0.75rem;
      }
    `,
  ]

  declare label: string
  declare color: string
  declare position: 'left' | 'right'

  constructor() {
    super()
    this.label = ''
    this.color = '#2f6fed'
    this.position = 'right'
  }

  override render() {
    return html`<div class="page" role="img" aria-label="Preview: the button “${this.label}” on the ${this.position} of the page">
      <span
        class="button ${this.position}"
        style=${styleMap({ background: this.color, color: textOn(this.color) })}
        aria-hidden="true"
        >💬 ${this.label || 'Chat'}</span
      >
    </div>`
  }
}
