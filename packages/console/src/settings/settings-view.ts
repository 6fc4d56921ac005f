import type { OperatorProfile } from '@parley/protocol'
import { css, html, LitElement } from 'lit'
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js'
import type { RestApi } from '../rest-api.ts'
import { base } from '../theme.ts'
import { sectionsFor } from './sections.ts'

/**
 * `<parley-settings>`: the settings area. The sections the operator's role may open on
 * the left (links to `#settings/<id>`), the open one on the right; without `sectionId`
 * (or with one the role may not open) the first.
 */
export class ParleySettings extends LitElement {
  static override properties = {
    api: { attribute: false },
    operator: { attribute: false },
    sectionId: { attribute: false },
  }

  static override styles = [
    base,
    css`
      :host {
        display: grid;
        grid-template-columns: minmax(11rem, 14rem) minmax(0, 1fr);
        min-height: 0;
        height: 100%;
      }
      nav {
        border-right: 1px solid var(--parley-border);
        background: var(--parley-surface);
        padding: 1rem 0.5rem;
        overflow-y: auto;
      }
      nav h2 {
        margin: 0 0.5rem 0.75rem;
        font-size: 0.8rem;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--parley-text-muted);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.15rem;
      }
      a {
        display: block;
        padding: 0.45rem 0.75rem;
        border-radius: var(--parley-radius);
        color: var(--parley-text);
        text-decoration: none;
      }
      a:hover {
        background: var(--parley-surface-muted);
      }
      a[aria-current='page'] {
        background: var(--parley-accent-soft);
        font-weight: 600;
      }
      main {
        overflow-y: auto;
        padding: 1.25rem 1.5rem 3rem;
        min-width: 0;
      }
      .empty {
        color: var(--parley-text-muted);
      }
      @media (max-width: 40rem) {
        :host {
          grid-template-columns: minmax(0, 1fr);
          grid-template-rows: auto 1fr;
        }
        nav {
          border-right: none;
          border-bottom: 1px solid var(--parley-border);
          padding: 0.5rem;
        }
        nav h2 {
          display: none;
        }
        ul {
          display: flex;
          flex-wrap: wrap;
        }
        main {
          padding: 1rem;
        }
      }
    `,
  ]

  declare api: RestApi | undefined
  declare operator: OperatorProfile | undefined
  declare sectionId: string | undefined

  override render() {
    const sections = sectionsFor(this.operator?.role)
    if (sections.length === 0) {
      return html`<main><p class="empty">There are no settings your role may change.</p></main>`
    }
    const open = sections.find((section) => section.id === this.sectionId) ?? sections[0]!
    const tag = unsafeStatic(open.tag)
    return html`
      <nav aria-label="Settings">
        <h2>Settings</h2>
        <ul>
          ${sections.map(
            (section) => html`<li>
              <a
                href="#settings/${section.id}"
                aria-current=${section === open ? 'page' : 'false'}
                >${section.label}</a
              >
            </li>`,
          )}
        </ul>
      </nav>
      <main>
        ${staticHtml`<${tag} .api=${this.api} .operator=${this.operator}></${tag}>`}
      </main>
    `
  }
}
