import type { OperatorProfile } from '@parley/protocol'
import { html, LitElement, nothing } from 'lit'
import type { RestApi } from '../rest-api.ts'
import { base } from '../theme.ts'
import type { AuditEntry } from './privacy-types.ts'
import { formatMoment, messageOf, query } from './shared.ts'
import { sectionStyles } from './styles.ts'

const ACTIONS: Record<AuditEntry['action'], string> = {
  export: 'Exported data',
  erase: 'Erased data',
  retention: 'Retention run',
  withdraw: 'Recorded a withdrawal',
  settings: 'Changed settings',
}

/** The counts or changes of an entry, in one line. */
function detailsOf(entry: AuditEntry): string {
  return Object.entries(entry.details)
    .filter(([, value]) => value !== null && value !== undefined && value !== 0)
    .map(
      ([key, value]) =>
        `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
    )
    .join(', ')
}

/**
 * `<parley-audit-settings>` (admins; supervisors read): who did what to personal data —
 * exports, erasures, retention runs, withdrawals, settings that change what is collected —
 * newest first, paged.
 */
export class ParleyAuditSettings extends LitElement {
  static override properties = {
    api: { attribute: false },
    operator: { attribute: false },
    entries: { state: true },
    nextCursor: { state: true },
    problem: { state: true },
    busy: { state: true },
  }

  static override styles = [base, sectionStyles]

  declare api: RestApi | undefined
  declare operator: OperatorProfile | undefined
  declare entries: AuditEntry[] | undefined
  declare nextCursor: string | null
  declare problem: string
  declare busy: boolean

  constructor() {
    super()
    this.nextCursor = null
    this.problem = ''
    this.busy = false
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') && this.api) void this.#load(false)
  }

  override render() {
    const entries = this.entries
    return html`
      <h2>Audit log</h2>
      <p class="lead">Every action on personal data, newest first. Entries cannot be changed.</p>
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
      ${
        !entries
          ? html`<p class="muted">Loading…</p>`
          : entries.length === 0
            ? html`<p class="muted" role="status">Nothing has been recorded yet.</p>`
            : html`<div class="table">
                  <table>
                    <caption class="visually-hidden">Audit log</caption>
                    <thead>
                      <tr>
                        <th scope="col">When</th>
                        <th scope="col">Who</th>
                        <th scope="col">What</th>
                        <th scope="col">Subject</th>
                        <th scope="col" class="optional">Reason</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${entries.map(
                        (entry) => html`<tr>
                          <td>${formatMoment(entry.at)}</td>
                          <td>${entry.actorName ?? html`<span class="muted">Parley (scheduled)</span>`}</td>
                          <td>
                            ${ACTIONS[entry.action] ?? entry.action}
                            ${detailsOf(entry) ? html`<br /><span class="muted">${detailsOf(entry)}</span>` : nothing}
                          </td>
                          <td>
                            ${entry.subject ?? html`<span class="muted">—</span>`}
                            ${entry.siteId ? html`<br /><span class="muted">${entry.siteId}</span>` : nothing}
                          </td>
                          <td class="optional">${entry.reason ?? html`<span class="muted">—</span>`}</td>
                        </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>
                ${
                  this.nextCursor
                    ? html`<p class="more">
                        <button type="button" ?disabled=${this.busy} @click=${() => this.#load(true)}>
                          Show more
                        </button>
                      </p>`
                    : nothing
                }`
      }
    `
  }

  async #load(more: boolean): Promise<void> {
    if (!this.api || this.busy) return
    this.busy = true
    this.problem = ''
    try {
      const reply = await this.api.get<{ entries: AuditEntry[]; nextCursor: string | null }>(
        `/v1/privacy/audit${query({ cursor: more ? this.nextCursor : undefined })}`,
      )
      this.entries = more ? [...(this.entries ?? []), ...reply.entries] : reply.entries
      this.nextCursor = reply.nextCursor
    } catch (error) {
      this.problem = messageOf(error)
    } finally {
      this.busy = false
    }
  }
}
