import type { SiteListReply } from '@parley/protocol'
import { html, nothing } from 'lit'
import { saveFile } from '../rest-api.ts'
import { base } from '../theme.ts'
import type { ErasureReply, Retention, Subject } from './privacy-types.ts'
import { SettingsScreen } from './screen.ts'
import { formatMoment, messageOf, query } from './shared.ts'
import { sectionStyles } from './styles.ts'

/** The three retention periods, as the form names them. */
const PERIODS: readonly { key: keyof Retention; label: string }[] = [
  { key: 'conversationsDays', label: 'Conversations' },
  { key: 'visitorsDays', label: 'Visitor profiles' },
  { key: 'engagementsDays', label: 'Engagement counters' },
]

/** Who a subject is, in one line: name, e-mail, phone, whatever is known. */
function describe(subject: Subject): string {
  return [subject.name, subject.email, subject.phone].filter(Boolean).join(' · ') || 'No contacts'
}

const subjectPath = (subject: Subject) =>
  `/v1/privacy/subjects/${encodeURIComponent(subject.siteId)}/${encodeURIComponent(subject.visitorId)}`

/**
 * `<parley-privacy-settings>` (admins): answer a visitor's request. Find them by visitor
 * id, e-mail or phone; download everything held about them (JSON, or a readable
 * transcript); erase it, with the reason kept in the audit log. Below, how long each
 * site keeps conversations, profiles and engagement counters.
 */
export class ParleyPrivacySettings extends SettingsScreen {
  static override properties = {
    subjects: { state: true },
    searched: { state: true },
    erasing: { state: true },
    erased: { state: true },
    sites: { state: true },
    siteId: { state: true },
    retention: { state: true },
    retentionNotice: { state: true },
  }

  static override styles = [base, sectionStyles]

  declare subjects: Subject[]
  /** The query the results are for. */
  declare searched: string
  /** The subject whose erasure is being confirmed. */
  declare erasing: Subject | undefined
  declare erased: { subject: Subject; reply: ErasureReply } | undefined
  declare sites: SiteListReply['sites']
  declare siteId: string
  declare retention: Retention | undefined
  declare retentionNotice: string

  constructor() {
    super()
    this.subjects = []
    this.searched = ''
    this.sites = []
    this.siteId = ''
    this.retentionNotice = ''
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') && this.api) void this.#loadSites()
  }

  override render() {
    return html`
      <h2>Privacy</h2>
      <p class="lead">
        Answer a visitor's request for their data: find them, download what is held about
        them, or erase it. Every export and erasure is written to the audit log.
      </p>
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
      ${this.erased ? this.#renderErased(this.erased) : nothing}
      <div class="card">
        <h3>Find a visitor</h3>
        <form class="fields" role="search" aria-label="Find a visitor" @submit=${this.#search}>
          <label class="field"
            >Visitor id, e-mail or phone
            <input name="query" required maxlength="200" autocomplete="off" />
          </label>
          <button class="primary" type="submit" ?disabled=${this.busy}>Find</button>
        </form>
      </div>
      ${this.searched ? this.#renderSubjects() : nothing}
      ${this.#renderRetention()}
    `
  }

  #renderSubjects() {
    if (this.subjects.length === 0) {
      return html`<p class="muted" role="status">No visitor matches “${this.searched}”.</p>`
    }
    return html`<div class="table">
      <table>
        <caption class="visually-hidden">Visitors matching ${this.searched}</caption>
        <thead>
          <tr>
            <th scope="col">Visitor</th>
            <th scope="col" class="optional">Site</th>
            <th scope="col" class="optional">Last seen</th>
            <th scope="col">Held</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${this.subjects.map((subject) => this.#renderSubject(subject))}
        </tbody>
      </table>
    </div>`
  }

  #renderSubject(subject: Subject) {
    const who = describe(subject)
    return html`<tr>
        <th scope="row">${who}<br /><span class="muted">${subject.visitorId}</span></th>
        <td class="optional">${this.#siteName(subject.siteId)}</td>
        <td class="optional">
          ${subject.lastSeenAt ? formatMoment(subject.lastSeenAt) : html`<span class="muted">—</span>`}
        </td>
        <td>
          ${subject.conversations} ${subject.conversations === 1 ? 'conversation' : 'conversations'},
          ${subject.consents} ${subject.consents === 1 ? 'consent' : 'consents'}
        </td>
        <td class="actions">
          <button
            type="button"
            aria-label="Download the data of ${who} as JSON"
            ?disabled=${this.busy}
            @click=${() => this.#download(`${subjectPath(subject)}/export`)}
          >
            JSON
          </button>
          <button
            type="button"
            aria-label="Download the transcript of ${who}"
            ?disabled=${this.busy}
            @click=${() => this.#download(`${subjectPath(subject)}/export.html`)}
          >
            Transcript
          </button>
          <button
            type="button"
            aria-label="Erase ${who}"
            ?disabled=${this.busy}
            @click=${() => (this.erasing = subject)}
          >
            Erase…
          </button>
        </td>
      </tr>
      ${this.erasing === subject ? this.#renderConfirm(subject, who) : nothing}`
  }

  #renderConfirm(subject: Subject, who: string) {
    return html`<tr>
      <td colspan="5">
        <form
          class="fields"
          aria-label="Erase ${who}"
          @submit=${(event: SubmitEvent) => this.#erase(event, subject)}
        >
          <p>
            This removes the visitor's contacts, messages, forms and attributes for good and
            ends their sessions. Consent records stay, anonymised, as proof that an erasure
            was done. It cannot be undone.
          </p>
          <label class="field"
            >Reason (kept in the audit log)
            <input name="reason" required maxlength="500" autocomplete="off" />
          </label>
          <button class="primary danger" type="submit" ?disabled=${this.busy}>Erase for good</button>
          <button type="button" @click=${() => (this.erasing = undefined)}>Cancel</button>
        </form>
      </td>
    </tr>`
  }

  #renderErased({ subject, reply }: { subject: Subject; reply: ErasureReply }) {
    const counts = Object.entries(reply.counts)
      .filter(([, count]) => count > 0)
      .map(([what, count]) => `${count} ${count === 1 ? what.replace(/s$/, '') : what}`)
      .join(', ')
    return html`<p class="notice" role="status">
      Erased ${subject.visitorId} at ${formatMoment(reply.erasedAt)}${counts ? `: ${counts}` : ''}.
    </p>`
  }

  #renderRetention() {
    const retention = this.retention
    return html`<div class="card">
      <h3>Retention</h3>
      <p class="muted">
        How long a site keeps data. Older conversations and profiles are erased the same way as
        on request, once an hour; leave a field empty to keep data until it is erased by hand.
      </p>
      ${
        this.sites.length === 0
          ? html`<p class="muted">Loading sites…</p>`
          : html`<form class="fields" aria-label="Retention" @submit=${this.#saveRetention}>
              <label class="field"
                >Site
                <select name="site" @change=${this.#pickSite}>
                  ${this.sites.map(
                    (site) =>
                      html`<option value=${site.id} ?selected=${site.id === this.siteId}>
                        ${site.name}
                      </option>`,
                  )}
                </select>
              </label>
              ${PERIODS.map(
                (period) => html`<label class="field"
                  >${period.label} (days)
                  <input
                    name=${period.key}
                    type="number"
                    min="1"
                    max="3650"
                    placeholder="Keep"
                    .value=${retention?.[period.key]?.toString() ?? ''}
                  />
                </label>`,
              )}
              <button class="primary" type="submit" ?disabled=${this.busy || !retention}>
                Save retention
              </button>
            </form>`
      }
      ${this.retentionNotice ? html`<p class="notice" role="status">${this.retentionNotice}</p>` : nothing}
    </div>`
  }

  #siteName(id: string): string {
    return this.sites.find((site) => site.id === id)?.name ?? id
  }

  async #loadSites(): Promise<void> {
    try {
      this.sites = (await this.api!.get<SiteListReply>('/v1/admin/sites')).sites
      this.siteId = this.sites[0]?.id ?? ''
      await this.#loadRetention()
    } catch (error) {
      this.problem = messageOf(error)
    }
  }

  async #loadRetention(): Promise<void> {
    if (!this.siteId) return
    this.retention = undefined
    this.retention = await this.api!.get<Retention>(
      `/v1/privacy/retention/${encodeURIComponent(this.siteId)}`,
    )
  }

  async #search(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const text = String(new FormData(event.target as HTMLFormElement).get('query') ?? '').trim()
    if (!text) return
    await this.run(async () => {
      const reply = await this.api!.get<{ subjects: Subject[] }>(
        `/v1/privacy/subjects${query({ query: text })}`,
      )
      this.erasing = undefined
      this.erased = undefined
      this.subjects = reply.subjects
      this.searched = text
    })
  }

  async #download(path: string): Promise<void> {
    await this.run(async () => saveFile(await this.api!.download(path)))
  }

  async #erase(event: SubmitEvent, subject: Subject): Promise<void> {
    event.preventDefault()
    const reason = String(new FormData(event.target as HTMLFormElement).get('reason') ?? '').trim()
    if (!reason) return
    await this.run(async () => {
      const reply = await this.api!.send<ErasureReply>('POST', `${subjectPath(subject)}/erase`, {
        reason,
      })
      this.erasing = undefined
      this.erased = { subject, reply }
      this.subjects = this.subjects.filter((s) => s !== subject)
    })
  }

  async #pickSite(event: Event): Promise<void> {
    this.siteId = (event.target as HTMLSelectElement).value
    this.retentionNotice = ''
    await this.run(() => this.#loadRetention())
  }

  async #saveRetention(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const data = new FormData(event.target as HTMLFormElement)
    const days = (key: string) => {
      const value = String(data.get(key) ?? '').trim()
      return value === '' ? null : Number(value)
    }
    await this.run(async () => {
      this.retention = await this.api!.send<Retention>(
        'PUT',
        `/v1/privacy/retention/${encodeURIComponent(this.siteId)}`,
        {
          conversationsDays: days('conversationsDays'),
          visitorsDays: days('visitorsDays'),
          engagementsDays: days('engagementsDays'),
        },
      )
      this.retentionNotice = `Retention saved for ${this.#siteName(this.siteId)}.`
    })
  }
}
