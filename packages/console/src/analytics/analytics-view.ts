import {
  type ChannelReply,
  type ChannelRow,
  type InviteVisitorRequest,
  type LiveVisitor,
  METRICS,
  type MetricsReply,
  type MetricsRow,
  type MonitorReply,
  type OperatorProfile,
  ROLE_PERMISSIONS,
  type SiteListReply,
} from '@parley/protocol'
import { css, html, LitElement, nothing } from 'lit'
import { type RestApi, saveFile } from '../rest-api.ts'
import { messageOf, query } from '../settings/shared.ts'
import { base } from '../theme.ts'
import type { ChartSeries } from './chart.ts'
import { formatDuration, formatMetric, lastDays, TILE_METRICS } from './format.ts'

/** The analytics area's tabs (`#analytics/<id>`). */
export const ANALYTICS_TABS = [
  { id: 'operators', label: 'Operators' },
  { id: 'channels', label: 'Channels' },
  { id: 'monitoring', label: 'Monitoring' },
] as const
export type AnalyticsTab = (typeof ANALYTICS_TABS)[number]['id']

const GROUP_BY = [
  ['operator', 'Operator'],
  ['group', 'Group'],
  ['site', 'Site'],
  ['channel', 'Channel'],
] as const
const CHANNEL_BY = [
  ['channel', 'Channel'],
  ['site', 'Site'],
  ['scenario', 'Scenario'],
  ['page', 'Page'],
  ['source', 'Source (utm_source)'],
] as const

const CHANNEL_COLUMNS: readonly [keyof ChannelRow, string, 'count' | 'ms' | 'share'][] = [
  ['impressions', 'Invitations shown', 'count'],
  ['clicks', 'Clicked', 'count'],
  ['conversations', 'Conversations', 'count'],
  ['chats', 'Chats', 'count'],
  ['callbacks', 'Callbacks', 'count'],
  ['offline', 'Offline messages', 'count'],
  ['leads', 'Leads', 'count'],
  ['missed', 'Missed chats', 'count'],
  ['firstResponseFromQueue', 'First response from queue', 'ms'],
  ['csat', 'CSAT', 'share'],
]

const metric = (id: string) => METRICS.find((m) => m.id === id)!

/**
 * `<parley-analytics>`: operator metrics (tiles, a daily chart, a table), channel
 * effectiveness and live monitoring, over a period `[from, to)` of dates in the site's time
 * zone. Every table downloads as CSV (the relay's, the same numbers); the page prints.
 */
export class ParleyAnalytics extends LitElement {
  static override properties = {
    api: { attribute: false },
    operator: { attribute: false },
    tab: {},
    from: { state: true },
    to: { state: true },
    siteId: { state: true },
    groupBy: { state: true },
    channelBy: { state: true },
    sites: { state: true },
    report: { state: true },
    daily: { state: true },
    channels: { state: true },
    live: { state: true },
    problem: { state: true },
    busy: { state: true },
    inviting: { state: true },
    sent: { state: true },
  }

  static override styles = [
    base,
    css`
      :host {
        display: block;
        padding: 1rem 1.25rem 2rem;
        overflow: auto;
        height: 100%;
        box-sizing: border-box;
      }
      h2 {
        margin: 0 0 0.25rem;
        font-size: 1.3rem;
      }
      h3 {
        margin: 1.5rem 0 0.5rem;
        font-size: 1.05rem;
      }
      .lead,
      .note {
        margin: 0 0 1rem;
        color: var(--parley-text-muted);
      }
      nav.tabs ul {
        display: flex;
        gap: 0.25rem;
        list-style: none;
        padding: 0;
        margin: 0 0 1rem;
        flex-wrap: wrap;
      }
      nav.tabs a {
        display: inline-block;
        padding: 0.35rem 0.8rem;
        border-radius: var(--parley-radius);
        color: var(--parley-text);
        text-decoration: none;
        border: 1px solid var(--parley-border);
      }
      nav.tabs a[aria-current='page'] {
        background: var(--parley-accent-soft);
        border-color: var(--parley-accent);
      }
      form.period {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem 1rem;
        align-items: end;
        margin: 0 0 1rem;
      }
      form.period .field {
        display: grid;
        gap: 0.2rem;
      }
      form.period label {
        font-size: 0.85rem;
        color: var(--parley-text-muted);
      }
      .tiles {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr));
        gap: 0.6rem;
        margin: 0 0 1rem;
        padding: 0;
        list-style: none;
      }
      .tiles li {
        background: var(--parley-surface);
        border: 1px solid var(--parley-border);
        border-radius: var(--parley-radius);
        padding: 0.7rem 0.8rem;
      }
      .tiles .value {
        display: block;
        font-size: 1.45rem;
        font-weight: 600;
      }
      .tiles .name {
        font-size: 0.82rem;
        color: var(--parley-text-muted);
      }
      .card {
        background: var(--parley-surface);
        border: 1px solid var(--parley-border);
        border-radius: var(--parley-radius);
        padding: 0.75rem;
        margin: 0 0 1rem;
      }
      .table {
        overflow-x: auto;
        border: 1px solid var(--parley-border);
        border-radius: var(--parley-radius);
        background: var(--parley-surface);
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 0.9rem;
      }
      caption {
        text-align: left;
        padding: 0.5rem 0.65rem;
        font-weight: 600;
      }
      th,
      td {
        padding: 0.45rem 0.6rem;
        border-bottom: 1px solid var(--parley-border);
        text-align: right;
        white-space: nowrap;
      }
      th:first-child,
      td:first-child {
        text-align: left;
        white-space: normal;
        min-width: 7.5rem;
      }
      thead th {
        color: var(--parley-text-muted);
        font-size: 0.78rem;
        font-weight: 600;
      }
      tfoot th,
      tfoot td {
        font-weight: 600;
        border-bottom: none;
      }
      .row-actions {
        display: flex;
        gap: 0.5rem;
        justify-content: flex-end;
        margin: 0.5rem 0 0;
        flex-wrap: wrap;
      }
      .problem {
        color: var(--parley-danger);
        background: var(--parley-danger-soft);
        border-radius: var(--parley-radius);
        padding: 0.5rem 0.75rem;
      }
      form.invite {
        display: grid;
        gap: 0.35rem;
        max-width: 32rem;
        margin-top: 0.75rem;
      }
      dl.definitions {
        display: grid;
        grid-template-columns: minmax(8rem, 14rem) 1fr;
        gap: 0.3rem 1rem;
        font-size: 0.88rem;
      }
      dl.definitions dd {
        margin: 0;
        color: var(--parley-text-muted);
      }
      @media (max-width: 40rem) {
        :host {
          padding: 0.75rem;
        }
        dl.definitions {
          grid-template-columns: 1fr;
        }
      }
      @media print {
        :host {
          height: auto;
          overflow: visible;
          padding: 0;
          color: #000;
        }
        nav.tabs,
        form.period button,
        .row-actions,
        .no-print {
          display: none !important;
        }
        .table {
          overflow: visible;
          border: none;
        }
        th,
        td {
          white-space: normal;
          border-bottom: 1px solid #999;
        }
        .tiles li,
        .card {
          break-inside: avoid;
          border-color: #999;
        }
      }
    `,
  ]

  declare api: RestApi | undefined
  declare operator: OperatorProfile | undefined
  declare tab: AnalyticsTab
  declare from: string
  declare to: string
  declare siteId: string
  declare groupBy: string
  declare channelBy: string
  declare sites: SiteListReply['sites']
  declare report: MetricsReply | undefined
  declare daily: MetricsReply | undefined
  declare channels: ChannelReply | undefined
  declare live: MonitorReply | undefined
  declare problem: string
  declare busy: boolean
  /** The visitor the invitation form is open for (monitoring). */
  declare inviting: LiveVisitor | undefined
  /** What the last invitation sent says (a status line). */
  declare sent: string
  /** "Today" for the default period; tests set it. */
  today: () => Date = () => new Date()

  constructor() {
    super()
    this.tab = 'operators'
    const week = lastDays(new Date(), 7)
    this.from = week.from
    this.to = week.to
    this.siteId = ''
    this.groupBy = 'operator'
    this.channelBy = 'channel'
    this.sites = []
    this.problem = ''
    this.busy = false
    this.sent = ''
  }

  override connectedCallback(): void {
    super.connectedCallback()
    const week = lastDays(this.today(), 7)
    this.from = week.from
    this.to = week.to
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') || changed.has('tab')) void this.load()
  }

  /** Loads what the open tab shows. */
  async load(): Promise<void> {
    if (!this.api) return
    await this.#run(async () => {
      if (this.sites.length === 0) {
        this.sites = (await this.api!.get<SiteListReply>('/v1/admin/sites')).sites
      }
      if (this.tab === 'operators') {
        const [report, daily] = await Promise.all([
          this.api!.get<MetricsReply>(`/v1/analytics/metrics${this.#query(this.groupBy)}`),
          this.api!.get<MetricsReply>(`/v1/analytics/metrics${this.#query('day')}`),
        ])
        this.report = report
        this.daily = daily
      } else if (this.tab === 'channels') {
        this.channels = await this.api!.get<ChannelReply>(
          `/v1/analytics/channels${this.#query(this.channelBy)}`,
        )
      } else {
        this.live = await this.api!.get<MonitorReply>(
          `/v1/analytics/live${query({ siteId: this.siteId })}`,
        )
      }
    })
  }

  #query(groupBy: string): string {
    return query({ from: this.from, to: this.to, siteId: this.siteId, groupBy })
  }

  async #run(work: () => Promise<void>): Promise<void> {
    this.busy = true
    this.problem = ''
    try {
      await work()
    } catch (error) {
      this.problem = messageOf(error)
    } finally {
      this.busy = false
    }
  }

  async #download(path: string): Promise<void> {
    await this.#run(async () => saveFile(await this.api!.download(path)))
  }

  #apply(event: Event): void {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const data = new FormData(form)
    this.from = String(data.get('from') ?? this.from)
    this.to = String(data.get('to') ?? this.to)
    this.siteId = String(data.get('site') ?? '')
    if (data.has('groupBy')) this.groupBy = String(data.get('groupBy'))
    if (data.has('channelBy')) this.channelBy = String(data.get('channelBy'))
    void this.load()
  }

  #preset(days: number): void {
    const period = lastDays(this.today(), days)
    this.from = period.from
    this.to = period.to
    void this.load()
  }

  override render() {
    return html`
      <h2>Analytics</h2>
      <nav class="tabs" aria-label="Analytics">
        <ul>
          ${ANALYTICS_TABS.map(
            (t) =>
              html`<li><a href="#analytics/${t.id}" aria-current=${this.tab === t.id ? 'page' : 'false'}>${t.label}</a></li>`,
          )}
        </ul>
      </nav>
      ${this.problem ? html`<p class="problem" role="alert">${this.problem}</p>` : nothing}
      ${this.tab === 'monitoring' ? this.#renderMonitoring() : this.#renderPeriodic()}
    `
  }

  #renderPeriodForm() {
    const zone = (this.tab === 'operators' ? this.report : this.channels)?.period.timeZone
    const by = this.tab === 'operators' ? GROUP_BY : CHANNEL_BY
    const chosen = this.tab === 'operators' ? this.groupBy : this.channelBy
    return html`
      <form class="period" aria-label="Period" @submit=${this.#apply}>
        <div class="field">
          <label for="from">From</label>
          <input id="from" type="date" name="from" required .value=${this.from} />
        </div>
        <div class="field">
          <label for="to">Until (not included)</label>
          <input id="to" type="date" name="to" required .value=${this.to} />
        </div>
        <div class="field">
          <label for="site">Site</label>
          <select id="site" name="site">
            <option value="" ?selected=${this.siteId === ''}>All sites (UTC)</option>
            ${this.sites.map(
              (s) =>
                html`<option value=${s.id} ?selected=${this.siteId === s.id}>${s.name}</option>`,
            )}
          </select>
        </div>
        <div class="field">
          <label for="by">Rows by</label>
          <select id="by" name=${this.tab === 'operators' ? 'groupBy' : 'channelBy'}>
            ${by.map(([v, l]) => html`<option value=${v} ?selected=${chosen === v}>${l}</option>`)}
          </select>
        </div>
        <button class="primary" type="submit" ?disabled=${this.busy}>Show</button>
        <button type="button" @click=${() => this.#preset(7)}>Last 7 days</button>
        <button type="button" @click=${() => this.#preset(30)}>Last 30 days</button>
        <button type="button" @click=${() => print()}>Print</button>
      </form>
      <p class="note">
        The period runs from ${this.from} up to, not including, ${this.to}, in
        ${zone ? html`the <strong>${zone}</strong> time zone` : "the site's time zone"}${
          this.siteId === '' ? ' (all sites: UTC)' : ''
        }.
      </p>
    `
  }

  #renderPeriodic() {
    return html`${this.#renderPeriodForm()}
    ${this.tab === 'operators' ? this.#renderOperators() : this.#renderChannels()}`
  }

  #renderOperators() {
    const report = this.report
    if (!report) return html`<p class="note" role="status">Loading…</p>`
    const total = report.total
    const daily = this.daily
    const series: ChartSeries[] = [
      { label: 'Received', color: '#2f6fed', values: daily?.rows.map((r) => r.received) ?? [] },
      { label: 'Accepted', color: '#2e7d32', values: daily?.rows.map((r) => r.accepted) ?? [] },
      { label: 'Missed', color: '#c62828', values: daily?.rows.map((r) => r.missed) ?? [] },
    ]
    const days = daily ? dayStarts(daily) : []
    return html`
      <ul class="tiles" aria-label="Totals">
        ${TILE_METRICS.map((id) => {
          const m = metric(id)
          return html`<li title=${m.definition}>
            <span class="value">${formatMetric(m.unit, total[id])}</span>
            <span class="name">${m.label}</span>
          </li>`
        })}
      </ul>
      <div class="card">
        <parley-chart
          label="Chats received, accepted and missed per day"
          .days=${days}
          .series=${series}
        ></parley-chart>
      </div>
      ${this.#metricsTable(report, `Operator metrics by ${labelOf(GROUP_BY, report.groupBy)}`, 'metrics', report.groupBy)}
      ${daily ? this.#metricsTable(daily, 'Operator metrics by day', 'metrics', 'day') : nothing}
      <details class="no-print">
        <summary>What each number means</summary>
        <dl class="definitions">
          ${METRICS.map((m) => html`<dt>${m.label}</dt><dd>${m.definition}</dd>`)}
        </dl>
      </details>
    `
  }

  #metricsTable(report: MetricsReply, caption: string, path: string, groupBy: string) {
    const cells = (row: MetricsRow) =>
      METRICS.map((m) => html`<td>${formatMetric(m.unit, row[m.id])}</td>`)
    return html`
      <h3>${caption}</h3>
      <div class="table" role="region" aria-label=${`${caption} (scrolls)`} tabindex="0">
        <table>
          <caption class="visually-hidden">${caption}</caption>
          <thead>
            <tr>
              <th scope="col">${labelOf(GROUP_BY, groupBy) || 'Day'}</th>
              ${METRICS.map((m) => html`<th scope="col" title=${m.definition}>${m.label}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${report.rows.map((row) => html`<tr><th scope="row">${row.label}</th>${cells(row)}</tr>`)}
          </tbody>
          <tfoot>
            <tr><th scope="row">Total</th>${cells(report.total)}</tr>
          </tfoot>
        </table>
      </div>
      <div class="row-actions">
        <button
          type="button"
          ?disabled=${this.busy}
          @click=${() => this.#download(`/v1/analytics/${path}.csv${this.#query(groupBy)}`)}
        >
          Download CSV: ${caption}
        </button>
      </div>
    `
  }

  #renderChannels() {
    const report = this.channels
    if (!report) return html`<p class="note" role="status">Loading…</p>`
    const caption = `Channel effectiveness by ${labelOf(CHANNEL_BY, report.groupBy)}`
    const cells = (row: ChannelRow) =>
      CHANNEL_COLUMNS.map(
        ([key, , unit]) => html`<td>${formatMetric(unit, row[key] as number | null)}</td>`,
      )
    return html`
      <p class="note">
        Invitations shown and clicked come from the scenarios' own counters (scenario rows).
        Site visits, chat-button opens and channel picks are not counted: that would need the
        widget to send counters, and it has no room left for them.
      </p>
      <h3>${caption}</h3>
      <div class="table" role="region" aria-label=${`${caption} (scrolls)`} tabindex="0">
        <table>
          <caption class="visually-hidden">${caption}</caption>
          <thead>
            <tr>
              <th scope="col">${labelOf(CHANNEL_BY, report.groupBy)}</th>
              ${CHANNEL_COLUMNS.map(([, label]) => html`<th scope="col">${label}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${report.rows.map((row) => html`<tr><th scope="row">${row.label}</th>${cells(row)}</tr>`)}
          </tbody>
          <tfoot>
            <tr><th scope="row">Total</th>${cells(report.total)}</tr>
          </tfoot>
        </table>
      </div>
      <div class="row-actions">
        <button
          type="button"
          ?disabled=${this.busy}
          @click=${() => this.#download(`/v1/analytics/channels.csv${this.#query(report.groupBy)}`)}
        >
          Download CSV: ${caption}
        </button>
      </div>
    `
  }

  #renderMonitoring() {
    const live = this.live
    const at = live?.at ?? 0
    return html`
      <form class="period" aria-label="Monitoring" @submit=${(e: Event) => {
        e.preventDefault()
        this.siteId = String(new FormData(e.target as HTMLFormElement).get('site') ?? '')
        void this.load()
      }}>
        <div class="field">
          <label for="live-site">Site</label>
          <select id="live-site" name="site">
            <option value="" ?selected=${this.siteId === ''}>All sites</option>
            ${this.sites.map(
              (s) =>
                html`<option value=${s.id} ?selected=${this.siteId === s.id}>${s.name}</option>`,
            )}
          </select>
        </div>
        <button class="primary" type="submit" ?disabled=${this.busy}>Refresh</button>
      </form>
      <p class="note">
        Only visitors whose widget may store data (they consented, or the site stores always)
        connect and report their page; other visitors are on the site but not listed.
      </p>
      ${
        live
          ? html`
            <h3>Queues now</h3>
            <div class="table" role="region" aria-label="Queues now (scrolls)" tabindex="0">
              <table>
                <caption class="visually-hidden">Queues now</caption>
                <thead>
                  <tr>
                    <th scope="col">Group</th>
                    <th scope="col">Open chats</th>
                    <th scope="col">Waiting</th>
                    <th scope="col">Longest wait</th>
                  </tr>
                </thead>
                <tbody>
                  ${live.groups.map(
                    (g) => html`<tr>
                      <th scope="row">${g.name} <span class="note">(${this.#siteName(g.siteId)})</span></th>
                      <td>${g.open}</td>
                      <td>${g.waiting}</td>
                      <td>${formatDuration(g.longestWaitMs)}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>
            <h3>Visitors on the site now (${live.visitors.length})</h3>
            <div class="table" role="region" aria-label="Visitors on the site now (scrolls)" tabindex="0">
              <table>
                <caption class="visually-hidden">Visitors on the site now</caption>
                <thead>
                  <tr>
                    <th scope="col">Page</th>
                    <th scope="col">On the site</th>
                    <th scope="col">Pages</th>
                    <th scope="col">Region</th>
                    <th scope="col">Source</th>
                    <th scope="col">Invitation</th>
                    <th scope="col">Chatting</th>
                    ${this.#mayInvite() ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}
                  </tr>
                </thead>
                <tbody>
                  ${
                    live.visitors.length === 0
                      ? html`<tr><td colspan=${this.#mayInvite() ? 8 : 7}>Nobody is listed right now.</td></tr>`
                      : live.visitors.map(
                          (v) => html`<tr>
                            <th scope="row">${v.title || v.page || '—'}<br /><span class="note">${v.page ?? ''}</span></th>
                            <td>${formatDuration(at - v.since)}</td>
                            <td>${v.pages}</td>
                            <td>${v.region ?? '—'}</td>
                            <td>${v.source ?? 'direct'}</td>
                            <td>${v.engaged ? 'Shown' : '—'}</td>
                            <td>${v.chatting ? 'Yes' : 'No'}</td>
                            ${
                              this.#mayInvite()
                                ? html`<td>${
                                    v.chatting
                                      ? nothing
                                      : html`<button type="button" aria-label=${`Invite to chat: ${this.#visitorLabel(v)}`} @click=${() => {
                                          this.inviting = v
                                          this.sent = ''
                                        }}>Invite to chat</button>`
                                  }</td>`
                                : nothing
                            }
                          </tr>`,
                        )
                  }
                </tbody>
              </table>
            </div>
            ${this.inviting ? this.#renderInvite(this.inviting) : nothing}
            ${this.sent ? html`<p class="note" role="status">${this.sent}</p>` : nothing}
            <p class="note">As of ${new Date(at).toLocaleTimeString()}.</p>`
          : html`<p class="note" role="status">Loading…</p>`
      }
    `
  }

  /** Whether the signed-in role may invite visitors (`visitors:invite`: supervisors, admins). */
  #mayInvite(): boolean {
    return !!this.operator && ROLE_PERMISSIONS[this.operator.role].includes('visitors:invite')
  }

  #visitorLabel(v: LiveVisitor): string {
    return `${v.title || v.page || v.visitorId} (${this.#siteName(v.siteId)})`
  }

  /** The invitation form: the message the visitor reads as yours, Send, Cancel. */
  #renderInvite(v: LiveVisitor) {
    return html`<form class="card invite" aria-label=${`Invite to chat: ${this.#visitorLabel(v)}`} @submit=${(
      e: Event,
    ) => {
      e.preventDefault()
      const message = String(new FormData(e.target as HTMLFormElement).get('message') ?? '')
      void this.#invite(v, message)
    }}>
      <label for="invite-message">Message</label>
      <textarea id="invite-message" name="message" required maxlength="1000" rows="3"
        placeholder="Hello! Can I help you with anything?"></textarea>
      <p class="note">The visitor sees it as your first message, with your name and photo.</p>
      <div class="row-actions">
        <button type="button" @click=${() => {
          this.inviting = undefined
        }}>Cancel</button>
        <button class="primary" type="submit" ?disabled=${this.busy}>Send</button>
      </div>
    </form>`
  }

  async #invite(v: LiveVisitor, message: string): Promise<void> {
    const body: InviteVisitorRequest = { siteId: v.siteId, visitorId: v.visitorId, message }
    await this.#run(async () => {
      await this.api!.send('POST', '/v1/analytics/live/invitations', body)
      this.inviting = undefined
      this.sent = `Invitation sent to ${this.#visitorLabel(v)}.`
    })
  }

  #siteName(id: string): string {
    return this.sites.find((s) => s.id === id)?.name ?? id
  }
}

function labelOf(options: readonly (readonly [string, string])[], value: string): string {
  return options.find(([v]) => v === value)?.[1] ?? ''
}

/** The first instant of each day row: from the period, one local day after another. */
function dayStarts(daily: MetricsReply): number[] {
  // The relay's rows are the days of the period in order; their instants are those of the
  // dates at the period's zone midnight, approximated by UTC date + the first day's offset.
  const offset = daily.period.fromAt - Date.parse(`${daily.period.from}T00:00:00Z`)
  return daily.rows.map((row) => Date.parse(`${row.key}T00:00:00Z`) + offset)
}
