import type {
  GroupListReply,
  OperatorProfile,
  SearchBody,
  SearchHit,
  SearchReply,
  SiteListReply,
  TeamReply,
} from '@parley/protocol'
import { css, html, LitElement, nothing } from 'lit'
import { authorLabel, conversationTitle, formatTime, kindLabel } from '../labels.ts'
import type { RestApi } from '../rest-api.ts'
import { dayStart, messageOf } from '../settings/shared.ts'
import { base } from '../theme.ts'
import { snippetParts } from './highlight.ts'

/** What a result asks the workspace to open: the conversation, at this message. */
export interface HistoryOpenDetail {
  conversationId: string
  seq: number
}

/** Hits one "Load more" adds. */
const PAGE = 20

interface FilterChoices {
  sites: SiteListReply['sites']
  groups: { id: string; name: string; siteId: string }[]
  people: { id: string; name: string }[]
}

/**
 * `<parley-history>`: search over every message the operator may see. A search box and
 * filters (site, channel, status, group, operator, dates, order), the results with the
 * matched words marked (`<mark>`, the text itself never read as markup), "Load more" down
 * to the end of the history. Choosing a result fires `history-open` with the conversation
 * and the message's `seq`; the workspace opens it there.
 */
export class ParleyHistory extends LitElement {
  static override properties = {
    api: { attribute: false },
    operator: { attribute: false },
    hits: { state: true },
    nextCursor: { state: true },
    busy: { state: true },
    problem: { state: true },
    searched: { state: true },
    choices: { state: true },
  }

  static override styles = [
    base,
    css`
      :host {
        display: block;
        height: 100%;
        overflow-y: auto;
        background: var(--parley-bg);
      }
      .page {
        max-width: 56rem;
        margin: 0 auto;
        padding: 1rem 1.25rem 2rem;
        display: grid;
        gap: 0.9rem;
      }
      h1 {
        margin: 0;
        font-size: 1.25rem;
      }
      form {
        display: grid;
        gap: 0.75rem;
        padding: 0.9rem 1rem;
        border: 1px solid var(--parley-border);
        border-radius: var(--parley-radius);
        background: var(--parley-surface);
      }
      .query {
        display: flex;
        gap: 0.5rem;
      }
      .query input {
        flex: 1;
        min-width: 0;
      }
      .filters {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(8rem, 1fr));
        gap: 0.6rem;
      }
      label {
        display: grid;
        gap: 0.2rem;
        font-size: 0.8rem;
        font-weight: 600;
        color: var(--parley-text-muted);
      }
      input,
      select {
        font: inherit;
        font-weight: 400;
        width: 100%;
        padding: 0.4rem 0.5rem;
        border: 1px solid var(--parley-border);
        border-radius: var(--parley-radius);
        background: var(--parley-surface);
        color: var(--parley-text);
      }
      .query input {
        font-size: 1rem;
      }
      [role='status'] {
        margin: 0;
        font-size: 0.9rem;
        color: var(--parley-text-muted);
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.5rem;
      }
      button.hit {
        display: grid;
        gap: 0.25rem;
        width: 100%;
        text-align: left;
        padding: 0.65rem 0.85rem;
        background: var(--parley-surface);
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        gap: 0.15rem 0.75rem;
        align-items: baseline;
        font-size: 0.8rem;
        color: var(--parley-text-muted);
      }
      .head strong {
        color: var(--parley-text);
        font-size: 0.9rem;
      }
      .snippet {
        display: block;
        line-height: 1.45;
        overflow-wrap: anywhere;
        white-space: pre-wrap;
      }
      mark {
        background: color-mix(in srgb, var(--parley-warning) 30%, transparent);
        color: inherit;
        border-radius: 3px;
        padding: 0 0.1em;
        font-weight: 600;
      }
      .more {
        justify-self: center;
      }
    `,
  ]

  declare api: RestApi | undefined
  declare operator: OperatorProfile | undefined
  declare hits: SearchHit[]
  declare nextCursor: string | null
  declare busy: boolean
  declare problem: string
  /** The search the results are for; `undefined` before the first one. */
  declare searched: SearchBody | undefined
  declare choices: FilterChoices

  constructor() {
    super()
    this.hits = []
    this.nextCursor = null
    this.busy = false
    this.problem = ''
    this.choices = { sites: [], groups: [], people: [] }
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') && this.api) void this.#loadChoices(this.api)
  }

  /** Puts the cursor in the search box. */
  override focus(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[name="q"]')?.focus()
  }

  /** Sites, their groups and the team, for the filters; a filter without them stays "Any". */
  async #loadChoices(api: RestApi): Promise<void> {
    try {
      const [{ sites }, { members }] = await Promise.all([
        api.get<SiteListReply>('/v1/admin/sites'),
        api.get<TeamReply>('/v1/team'),
      ])
      const groups = await Promise.all(
        sites.map((site) =>
          api.get<GroupListReply>(`/v1/admin/sites/${encodeURIComponent(site.id)}/groups`).then(
            (reply) => reply.groups,
            () => [],
          ),
        ),
      )
      this.choices = {
        sites,
        groups: groups.flat().map((g) => ({ id: g.id, name: g.name, siteId: g.siteId })),
        people: members.filter((m) => m.kind === 'human').map((m) => ({ id: m.id, name: m.name })),
      }
    } catch {
      // The search works without them: the filters offer "Any" only.
    }
  }

  async #search(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const data = new FormData(event.target as HTMLFormElement)
    const text = (name: string) => String(data.get(name) ?? '').trim()
    const from = dayStart(text('from'))
    const to = dayStart(text('to'), true)
    const body: SearchBody = {
      q: text('q'),
      ...(text('siteId') && { siteId: text('siteId') }),
      ...(text('channel') && { channel: text('channel') as NonNullable<SearchBody['channel']> }),
      ...(text('status') && { status: text('status') as NonNullable<SearchBody['status']> }),
      ...(text('groupId') && { groupId: text('groupId') }),
      ...(text('tag') && { tag: text('tag') }),
      ...(text('operatorId') && { operatorId: text('operatorId') }),
      ...(from !== undefined && { from }),
      ...(to !== undefined && { to }),
      order: text('order') === 'newest' ? 'newest' : 'rank',
      limit: PAGE,
    }
    if (!body.q) {
      this.problem = 'Type a word to search for.'
      return
    }
    await this.#load(body, undefined)
  }

  async #load(body: SearchBody, cursor: string | undefined): Promise<void> {
    const { api } = this
    if (!api) return
    this.busy = true
    this.problem = ''
    try {
      const reply = await api.send<SearchReply>('POST', '/v1/messages/search', {
        ...body,
        ...(cursor && { cursor }),
      })
      this.hits = cursor ? [...this.hits, ...reply.items] : reply.items
      this.nextCursor = reply.nextCursor
      this.searched = body
    } catch (error) {
      this.problem = messageOf(error)
    } finally {
      this.busy = false
    }
  }

  #open(hit: SearchHit): void {
    this.dispatchEvent(
      new CustomEvent<HistoryOpenDetail>('history-open', {
        detail: { conversationId: hit.conversation.id, seq: hit.message.seq },
        bubbles: true,
        composed: true,
      }),
    )
  }

  override render() {
    const { sites, groups, people } = this.choices
    return html`<div class="page">
      <h1>History</h1>
      <form role="search" aria-label="Search the history" @submit=${this.#search}>
        <div class="query">
          <input
            name="q"
            type="search"
            aria-label="Words to find"
            placeholder="Words a message holds: a name, an order number…"
            maxlength="200"
            autocomplete="off"
            enterkeyhint="search"
          />
          <button class="primary" type="submit" ?disabled=${this.busy}>Search</button>
        </div>
        <div class="filters">
          ${
            sites.length > 1
              ? html`<label
                  >Site
                  <select name="siteId">
                    <option value="">Any</option>
                    ${sites.map((s) => html`<option value=${s.id}>${s.name}</option>`)}
                  </select>
                </label>`
              : nothing
          }
          <label
            >Channel
            <select name="channel">
              <option value="">Any</option>
              <option value="chat">Chat</option>
              <option value="callback">Callback</option>
              <option value="offline">Offline message</option>
            </select>
          </label>
          <label
            >Status
            <select name="status">
              <option value="">Any</option>
              <option value="open">Open</option>
              <option value="closed">Closed</option>
            </select>
          </label>
          <label
            >Group
            <select name="groupId">
              <option value="">Any</option>
              ${groups.map(
                (g) =>
                  html`<option value=${g.id}>${sites.length > 1 ? `${g.name} (${g.siteId})` : g.name}</option>`,
              )}
            </select>
          </label>
          <label
            >Operator
            <select name="operatorId">
              <option value="">Anyone</option>
              ${people.map((p) => html`<option value=${p.id}>${p.name}</option>`)}
            </select>
          </label>
          <label>Tag <input name="tag" maxlength="32" autocomplete="off" /></label>
          <label>From <input name="from" type="date" /></label>
          <label>To <input name="to" type="date" /></label>
          <label
            >Order
            <select name="order">
              <option value="rank">Best match</option>
              <option value="newest">Newest first</option>
            </select>
          </label>
        </div>
      </form>
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
      <p role="status">${this.#summary()}</p>
      ${
        this.hits.length > 0
          ? html`<ol aria-label="Results">
              ${this.hits.map((hit) => html`<li>${this.#renderHit(hit)}</li>`)}
            </ol>`
          : nothing
      }
      ${
        this.nextCursor && this.searched
          ? html`<button
              class="more"
              type="button"
              ?disabled=${this.busy}
              @click=${() => this.#load(this.searched!, this.nextCursor!)}
            >
              Load more
            </button>`
          : nothing
      }
    </div>`
  }

  #summary(): string {
    if (this.busy) return 'Searching…'
    if (!this.searched) return ''
    const n = this.hits.length
    if (n === 0) return `No messages match “${this.searched.q}”.`
    const count = `${n} ${n === 1 ? 'message' : 'messages'}`
    return this.nextCursor ? `${count} so far; there are more.` : `${count}: the whole history.`
  }

  #renderHit(hit: SearchHit) {
    const { conversation, message } = hit
    const kind = kindLabel(conversation.kind)
    const title = conversationTitle(conversation)
    return html`<button class="hit" type="button" @click=${() => this.#open(hit)}>
      <span class="head">
        <strong>${title}</strong>
        ${
          message.author.kind === 'visitor'
            ? nothing
            : html`<span>${authorLabel(message.author, title)} wrote</span>`
        }
        <time datetime=${new Date(message.at).toISOString()}>${formatTime(message.at)}</time>
        ${kind ? html`<span>${kind}</span>` : nothing}
        ${conversation.status === 'closed' ? html`<span>closed</span>` : nothing}
      </span>
      <span class="snippet">${snippetParts(hit.snippet).map((part) =>
        part.mark ? html`<mark>${part.text}</mark>` : part.text,
      )}</span>
    </button>`
  }
}
