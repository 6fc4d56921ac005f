import type {
  Scenario,
  ScenarioListReply,
  ScenarioReply,
  ScenarioStats,
  ScenarioStatsReply,
  SiteListReply,
} from '@parley/protocol'
import { css, html, nothing } from 'lit'
import { ConsoleError } from '../errors.ts'
import { base } from '../theme.ts'
import {
  editableConditions,
  patternsFromText,
  patternsToText,
  scenarioFromForm,
} from './scenario-form.ts'
import { checkUrl } from './scenario-url-check.ts'
import { SettingsScreen } from './screen.ts'
import { query } from './shared.ts'
import { sectionStyles } from './styles.ts'

/** The stats period: the last 30 days. */
const STATS_DAYS = 30

const ACTIONS: readonly { type: Scenario['action']['type']; label: string }[] = [
  { type: 'bubble', label: 'Show a message bubble' },
  { type: 'openChat', label: 'Open the chat with a message' },
  { type: 'openCallback', label: 'Offer a callback' },
  { type: 'pulse', label: 'Make the button pulse' },
]

/** "12.5 %" */
function percent(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toLocaleString()} %`
}

/**
 * `<parley-scenarios-settings>` (admins edit, supervisors read): the engagement scenarios of a
 * site — a table with each one's state and its last 30 days (impressions, clicks, conversions,
 * rate), turning one on or off, and an editor for a new or an existing one: where (pages to
 * include and exclude), when (time on site, pages viewed, regions), what it does, how often,
 * and which group gets the conversation. Conditions the editor has no field for are kept.
 */
export class ParleyScenariosSettings extends SettingsScreen {
  static override properties = {
    ...SettingsScreen.properties,
    sites: { state: true },
    siteId: { state: true },
    scenarios: { state: true },
    stats: { state: true },
    editing: { state: true },
    notice: { state: true },
    doomed: { state: true },
    urlVerdict: { state: true },
  }

  static override styles = [
    base,
    sectionStyles,
    css`
      #url-verdict {
        align-self: center;
      }
    `,
  ]

  declare sites: SiteListReply['sites']
  declare siteId: string
  declare scenarios: Scenario[] | undefined
  declare stats: Map<string, ScenarioStats>
  /** The scenario in the editor: one of the list, `'new'`, or none. */
  declare editing: Scenario | 'new' | undefined
  declare notice: string
  /** The scenario whose Delete asks to be confirmed. */
  declare doomed: string | undefined
  /** What "Test a URL" says of the address typed there, for the pages as they are now. */
  declare urlVerdict: string

  constructor() {
    super()
    this.sites = []
    this.siteId = ''
    this.stats = new Map()
    this.notice = ''
    this.urlVerdict = ''
  }

  /** Supervisors read; only admins change scenarios. */
  get #canEdit(): boolean {
    return this.operator?.role === 'admin'
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') && this.api) void this.#start()
  }

  async #start(): Promise<void> {
    await this.run(async () => {
      this.sites = (await this.api!.get<SiteListReply>('/v1/admin/sites')).sites
      this.siteId = this.sites[0]?.id ?? ''
    })
    await this.#load()
  }

  async #load(): Promise<void> {
    if (!this.api || !this.siteId) return
    const site = encodeURIComponent(this.siteId)
    const to = Date.now()
    const from = to - STATS_DAYS * 86_400_000
    try {
      const [list, stats] = await Promise.all([
        this.api.get<ScenarioListReply>(`/v1/admin/sites/${site}/scenarios`),
        this.api.get<ScenarioStatsReply>(
          `/v1/admin/sites/${site}/scenarios/stats${query({ from, to })}`,
        ),
      ])
      this.scenarios = list.scenarios
      this.stats = new Map(stats.scenarios.map((s) => [s.scenarioId, s]))
    } catch (error) {
      this.problem = error instanceof Error ? error.message : 'Could not load the scenarios.'
    }
  }

  override render() {
    return html`
      <h2>Scenarios</h2>
      <p class="lead">
        Invitations the widget shows by itself: on which pages, after what, how often, and who
        answers. Figures are for the last ${STATS_DAYS} days.
      </p>
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${
        this.sites.length > 1
          ? html`<p>
              <label class="field"
                >Site
                <select
                  @change=${(e: Event) => {
                    this.siteId = (e.target as HTMLSelectElement).value
                    this.editing = undefined
                    void this.#load()
                  }}
                >
                  ${this.sites.map(
                    (s) =>
                      html`<option value=${s.id} ?selected=${s.id === this.siteId}>${s.name}</option>`,
                  )}
                </select>
              </label>
            </p>`
          : nothing
      }
      ${
        this.#canEdit && this.editing === undefined
          ? html`<p><button class="primary" type="button" @click=${() => this.#edit('new')}>New scenario</button></p>`
          : nothing
      }
      ${this.editing !== undefined ? this.#renderEditor(this.editing) : nothing}
      ${this.scenarios ? this.#renderTable(this.scenarios) : html`<p class="muted">Loading…</p>`}
    `
  }

  #renderTable(scenarios: readonly Scenario[]) {
    if (scenarios.length === 0) return html`<p class="muted">No scenarios on this site yet.</p>`
    return html`<div class="table"><table>
      <caption class="visually-hidden">Scenarios</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">On</th>
          <th scope="col">Impressions</th>
          <th scope="col" class="optional">Clicks</th>
          <th scope="col">Conversions</th>
          <th scope="col">Rate</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${scenarios.map((s) => {
          const stats = this.stats.get(s.id)
          return html`<tr>
            <th scope="row">${s.name}</th>
            <td>
              <input
                type="checkbox"
                aria-label="${s.name} is on"
                .checked=${s.enabled}
                ?disabled=${!this.#canEdit || this.busy}
                @change=${(e: Event) => this.#toggle(s, (e.target as HTMLInputElement).checked)}
              />
            </td>
            <td>${stats?.impressions ?? 0}</td>
            <td class="optional">${stats?.clicks ?? 0}</td>
            <td>${stats?.conversions.total ?? 0}</td>
            <td>${percent(stats?.conversionRate ?? 0)}</td>
            <td class="actions">
              ${
                this.#canEdit
                  ? html`<button type="button" aria-label="Edit ${s.name}" @click=${() => this.#edit(s)}>
                        Edit
                      </button>
                      ${
                        this.doomed === s.id
                          ? html`<button
                                class="primary danger"
                                type="button"
                                aria-label="Delete ${s.name} for good"
                                ?disabled=${this.busy}
                                @click=${() => this.#remove(s)}
                              >
                                Delete for good
                              </button>
                              <button type="button" @click=${() => (this.doomed = undefined)}>Keep</button>`
                          : html`<button
                              type="button"
                              aria-label="Delete ${s.name}"
                              ?disabled=${this.busy}
                              @click=${() => (this.doomed = s.id)}
                            >
                              Delete…
                            </button>`
                      }`
                  : nothing
              }
            </td>
          </tr>`
        })}
      </tbody>
    </table></div>`
  }

  #renderEditor(editing: Scenario | 'new') {
    const s = editing === 'new' ? undefined : editing
    const conditions = s ? editableConditions(s.conditions) : undefined
    const action = s?.action
    const message = action && 'message' in action ? action.message : ''
    const operatorName = action && 'operator' in action ? (action.operator?.name ?? '') : ''
    return html`<form
      class="card"
      aria-label=${s ? `Edit ${s.name}` : 'New scenario'}
      @submit=${this.#save}
      @input=${this.#checkUrl}
    >
      <h3>${s ? `Edit “${s.name}”` : 'New scenario'}</h3>
      <div class="fields">
        <label class="field">Name <input name="name" required maxlength="120" .value=${s?.name ?? ''} /></label>
        <label class="field"
          >Priority (higher wins) <input name="priority" type="number" min="-1000" max="1000" .value=${String(s?.priority ?? 0)}
        /></label>
        <label class="field"
          >Group that answers <input name="group" maxlength="64" .value=${s?.routing.group ?? 'General'}
        /></label>
        <label class="check"><input type="checkbox" name="enabled" ?checked=${s?.enabled ?? true} /> On</label>
      </div>
      <h3>Where</h3>
      <div class="fields">
        <label class="field"
          >Pages (one per line; /path is a prefix, =/path exact, * a wildcard, ~ a regex; none: every page)
          <textarea name="include" rows="3" .value=${patternsToText(s?.where.include ?? [])}></textarea>
        </label>
        <label class="field"
          >Except on
          <textarea name="exclude" rows="3" .value=${patternsToText(s?.where.exclude ?? [])}></textarea>
        </label>
        <label class="field"
          >Test a URL
          <input class="test-url" size="44" inputmode="url" autocomplete="off" aria-describedby="url-verdict" />
        </label>
        <output id="url-verdict">${this.urlVerdict}</output>
      </div>
      <h3>When</h3>
      ${
        conditions?.advanced
          ? html`<p class="muted">These conditions were written through the API and are kept as they are.</p>`
          : html`<div class="fields">
              <label class="field"
                >Seconds on the site <input name="timeOnSite" type="number" min="0" max="86400" .value=${conditions?.timeOnSite === undefined ? '' : String(conditions.timeOnSite)}
              /></label>
              <label class="field"
                >Pages viewed at least <input name="pagesViewed" type="number" min="1" max="1000" .value=${conditions?.pagesViewed === undefined ? '' : String(conditions.pagesViewed)}
              /></label>
              <label class="field"
                >Regions (e.g. RU, RU-MOW; empty: anywhere) <input name="regions" maxlength="500" .value=${conditions?.regions ?? ''}
              /></label>
              <label class="field"
                >Wait before showing (seconds) <input name="delaySeconds" type="number" min="0" max="3600" .value=${String(s?.delaySeconds ?? 0)}
              /></label>
            </div>
            ${
              conditions && conditions.kept.length > 0
                ? html`<p class="muted">
                    ${conditions.kept.length} more condition(s) set through the API are kept.
                  </p>`
                : nothing
            }`
      }
      <h3>What it does</h3>
      <div class="fields">
        <label class="field"
          >Action
          <select name="action">
            ${ACTIONS.map(
              (a) =>
                html`<option value=${a.type} ?selected=${(action?.type ?? 'bubble') === a.type}>${a.label}</option>`,
            )}
          </select>
        </label>
        <label class="field">Message <input name="message" maxlength="1000" .value=${message} /></label>
        <label class="field"
          >From (operator name shown) <input name="operatorName" maxlength="120" .value=${operatorName}
        /></label>
      </div>
      <h3>How often</h3>
      <div class="fields">
        <label class="check"
          ><input type="checkbox" name="oncePerSession" ?checked=${s?.rules.oncePerSession ?? true} /> Once per visit</label
        >
        <label class="field"
          >Not again for (days) <input name="oncePerDays" type="number" min="1" max="365" .value=${s?.rules.oncePerDays === undefined ? '' : String(s.rules.oncePerDays)}
        /></label>
        <label class="field"
          >At most (times per visitor) <input name="maxTimes" type="number" min="1" max="100" .value=${s?.rules.maxTimes === undefined ? '' : String(s.rules.maxTimes)}
        /></label>
      </div>
      <p>
        <button class="primary" type="submit" ?disabled=${this.busy}>${s ? 'Save scenario' : 'Create scenario'}</button>
        <button type="button" @click=${() => (this.editing = undefined)}>Cancel</button>
      </p>
    </form>`
  }

  /** "Test a URL", live: the typed address against the pages as the form has them now. */
  #checkUrl(event: Event): void {
    const form = event.currentTarget as HTMLFormElement
    const address = form.querySelector<HTMLInputElement>('.test-url')!.value
    const text = (name: string) => String(new FormData(form).get(name) ?? '')
    this.urlVerdict = address.trim()
      ? checkUrl(
          {
            include: patternsFromText(text('include')),
            exclude: patternsFromText(text('exclude')),
          },
          address,
        )
      : ''
  }

  #edit(editing: Scenario | 'new'): void {
    this.notice = ''
    this.problem = ''
    this.urlVerdict = ''
    this.editing = editing
  }

  async #save(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const editing = this.editing
    if (editing === undefined) return
    const before = editing === 'new' ? undefined : editing
    const body = scenarioFromForm(new FormData(event.target as HTMLFormElement), before)
    const site = encodeURIComponent(this.siteId)
    const saved = await this.run(async () => {
      try {
        const reply = before
          ? await this.api!.send<ScenarioReply>(
              'PUT',
              `/v1/admin/sites/${site}/scenarios/${encodeURIComponent(before.id)}`,
              body,
            )
          : await this.api!.send<ScenarioReply>('POST', `/v1/admin/sites/${site}/scenarios`, body)
        this.notice = `“${reply.scenario.name}” is saved. Visitors get it on their next page.`
      } catch (error) {
        if (error instanceof ConsoleError && error.fields?.length) {
          throw new Error(
            `${error.message}: ${error.fields.map((f) => `${f.field} (${f.code})`).join(', ')}`,
          )
        }
        throw error
      }
    })
    if (saved) {
      this.editing = undefined
      await this.#load()
    }
  }

  async #toggle(scenario: Scenario, enabled: boolean): Promise<void> {
    const { id, siteId: _site, ...body } = scenario
    const site = encodeURIComponent(this.siteId)
    await this.run(async () => {
      await this.api!.send('PUT', `/v1/admin/sites/${site}/scenarios/${encodeURIComponent(id)}`, {
        ...body,
        enabled,
      })
    })
    await this.#load()
  }

  async #remove(scenario: Scenario): Promise<void> {
    const site = encodeURIComponent(this.siteId)
    const done = await this.run(async () => {
      await this.api!.send(
        'DELETE',
        `/v1/admin/sites/${site}/scenarios/${encodeURIComponent(scenario.id)}`,
      )
    })
    if (done) {
      if (this.editing !== 'new' && this.editing?.id === scenario.id) this.editing = undefined
      this.doomed = undefined
      this.notice = `“${scenario.name}” is deleted; its figures stay in the stats.`
      await this.#load()
    }
  }
}
