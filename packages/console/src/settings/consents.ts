import type { AgreementVersionText } from '@parley/protocol'
import { html, nothing } from 'lit'
import { saveFile } from '../rest-api.ts'
import { base } from '../theme.ts'
import type { ConsentRecord } from './privacy-types.ts'
import { SettingsScreen } from './screen.ts'
import { dayStart, formatMoment, query } from './shared.ts'
import { sectionStyles } from './styles.ts'

const FORMS: Record<ConsentRecord['form'], string> = {
  callback: 'Callback request',
  offline: 'Offline message',
  prechat: 'Pre-chat form',
}

/** The filters as the relay takes them. */
interface Filters {
  visitorId?: string
  contact?: string
  from?: number
  to?: number
}

/**
 * `<parley-consents-settings>` (admins; supervisors read): the consent register. Every
 * consent a visitor gave — agreement version, form, time, IP — filtered by visitor,
 * contact and period, paged, downloadable as CSV. An admin records a withdrawal made on
 * request.
 */
export class ParleyConsentsSettings extends SettingsScreen {
  static override properties = {
    consents: { state: true },
    nextCursor: { state: true },
    withdrawing: { state: true },
    agreement: { state: true },
  }

  static override styles = [base, sectionStyles]

  declare consents: ConsentRecord[] | undefined
  declare nextCursor: string | null
  declare withdrawing: ConsentRecord | undefined
  /** The agreement text being read, by version. */
  declare agreement: { version: string; text: string } | undefined
  #filters: Filters = {}

  constructor() {
    super()
    this.nextCursor = null
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') && this.api) void this.#load(false)
  }

  override render() {
    return html`
      <h2>Consents</h2>
      <p class="lead">
        Every consent to the user agreement: who gave it, to which version, with which form,
        when and from which address.
      </p>
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
      <div class="card">
        <form class="fields" aria-label="Filter consents" @submit=${this.#filter}>
          <label class="field">Visitor id <input name="visitorId" maxlength="64" autocomplete="off" /></label>
          <label class="field"
            >E-mail or phone <input name="contact" maxlength="200" autocomplete="off"
          /></label>
          <label class="field">From <input name="from" type="date" /></label>
          <label class="field">To (inclusive) <input name="to" type="date" /></label>
          <button class="primary" type="submit" ?disabled=${this.busy}>Show</button>
          <button type="button" ?disabled=${this.busy} @click=${this.#csv}>Download CSV</button>
        </form>
      </div>
      ${this.agreement ? this.#renderAgreement(this.agreement) : nothing}
      ${this.consents ? this.#renderTable(this.consents) : html`<p class="muted">Loading…</p>`}
    `
  }

  #renderAgreement(agreement: { version: string; text: string }) {
    return html`<div class="card" role="region" aria-label="Agreement version ${agreement.version}">
      <h3>Agreement, version ${agreement.version}</h3>
      <p style="white-space: pre-wrap">${agreement.text}</p>
      <button type="button" @click=${() => (this.agreement = undefined)}>Close</button>
    </div>`
  }

  #renderTable(consents: readonly ConsentRecord[]) {
    if (consents.length === 0) return html`<p class="muted" role="status">No consents match.</p>`
    const admin = this.operator?.role === 'admin'
    return html`<div class="table">
        <table>
          <caption class="visually-hidden">Consents</caption>
          <thead>
            <tr>
              <th scope="col">Given</th>
              <th scope="col">Visitor</th>
              <th scope="col">Agreement</th>
              <th scope="col" class="optional">Form</th>
              <th scope="col" class="optional">IP</th>
              <th scope="col">State</th>
              ${admin ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}
            </tr>
          </thead>
          <tbody>
            ${consents.map((consent) => this.#renderRow(consent, admin))}
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

  #renderRow(consent: ConsentRecord, admin: boolean) {
    const state = consent.erased
      ? html`<span class="badge">Erased</span>`
      : consent.withdrawnAt
        ? html`<span class="badge bad"
            >Withdrawn ${consent.withdrawnBy === 'admin' ? 'on request' : 'by the visitor'},
            ${formatMoment(consent.withdrawnAt)}</span
          >`
        : html`<span class="badge ok">Given</span>`
    return html`<tr>
        <td>${formatMoment(consent.at)}</td>
        <td>${consent.visitorId}<br /><span class="muted">${consent.siteId}</span></td>
        <td>
          <button
            type="button"
            aria-label="Read agreement version ${consent.agreementVersion}"
            @click=${() => this.#readAgreement(consent)}
          >
            ${consent.agreementVersion}
          </button>
        </td>
        <td class="optional">${FORMS[consent.form] ?? consent.form}</td>
        <td class="optional">${consent.ip ?? html`<span class="muted">—</span>`}</td>
        <td>${state}</td>
        ${
          admin
            ? html`<td class="actions">
                ${
                  consent.withdrawnAt || consent.erased
                    ? nothing
                    : html`<button
                        type="button"
                        aria-label="Record withdrawal of consent ${consent.id}"
                        ?disabled=${this.busy}
                        @click=${() => (this.withdrawing = consent)}
                      >
                        Withdraw…
                      </button>`
                }
              </td>`
            : nothing
        }
      </tr>
      ${this.withdrawing === consent ? this.#renderWithdraw(consent) : nothing}`
  }

  #renderWithdraw(consent: ConsentRecord) {
    return html`<tr>
      <td colspan="7">
        <form
          class="fields"
          aria-label="Record withdrawal of consent ${consent.id}"
          @submit=${(event: SubmitEvent) => this.#withdraw(event, consent)}
        >
          <label class="field"
            >How the visitor asked (kept in the audit log)
            <input name="reason" required maxlength="500" autocomplete="off" />
          </label>
          <button class="primary" type="submit" ?disabled=${this.busy}>Record withdrawal</button>
          <button type="button" @click=${() => (this.withdrawing = undefined)}>Cancel</button>
        </form>
      </td>
    </tr>`
  }

  #path(base: string, cursor?: string | null): string {
    const { visitorId, contact, from, to } = this.#filters
    return `${base}${query({ visitorId, contact, from, to, cursor })}`
  }

  async #load(more: boolean): Promise<void> {
    await this.run(async () => {
      const reply = await this.api!.get<{ consents: ConsentRecord[]; nextCursor: string | null }>(
        this.#path('/v1/privacy/consents', more ? this.nextCursor : undefined),
      )
      this.consents = more ? [...(this.consents ?? []), ...reply.consents] : reply.consents
      this.nextCursor = reply.nextCursor
    })
  }

  async #filter(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const data = new FormData(event.target as HTMLFormElement)
    const text = (key: string) => String(data.get(key) ?? '').trim() || undefined
    this.#filters = {
      visitorId: text('visitorId'),
      contact: text('contact'),
      from: dayStart(String(data.get('from') ?? '')),
      to: dayStart(String(data.get('to') ?? ''), true),
    }
    await this.#load(false)
  }

  async #csv(): Promise<void> {
    await this.run(async () =>
      saveFile(await this.api!.download(this.#path('/v1/privacy/consents.csv'))),
    )
  }

  async #readAgreement(consent: ConsentRecord): Promise<void> {
    await this.run(async () => {
      const reply = await this.api!.get<AgreementVersionText>(
        `/v1/privacy/agreements/${encodeURIComponent(consent.siteId)}/${encodeURIComponent(consent.agreementVersion)}`,
      )
      this.agreement = { version: reply.version, text: reply.text }
    })
  }

  async #withdraw(event: SubmitEvent, consent: ConsentRecord): Promise<void> {
    event.preventDefault()
    const reason = String(new FormData(event.target as HTMLFormElement).get('reason') ?? '').trim()
    if (!reason) return
    await this.run(async () => {
      const updated = await this.api!.send<ConsentRecord>(
        'POST',
        `/v1/privacy/consents/${encodeURIComponent(consent.id)}/withdraw`,
        { reason },
      )
      this.withdrawing = undefined
      this.consents = this.consents?.map((c) => (c.id === updated.id ? updated : c))
    })
  }
}
