import type { ConversationSummary, LeadStatus, TeamMember, TeamReply } from '@parley/protocol'
import { css, html, LitElement, nothing } from 'lit'
import type { RestApi } from './rest-api.ts'
import { base } from './theme.ts'

/** The statuses a lead can have, in the order they are offered, with their words. */
export const LEAD_STATUSES: readonly { status: LeadStatus; label: string }[] = [
  { status: 'new', label: 'New' },
  { status: 'in_progress', label: 'In progress' },
  { status: 'done', label: 'Done' },
  { status: 'unreachable', label: 'Unreachable' },
]

/** A lead status in words. */
export function leadStatusLabel(status: LeadStatus): string {
  return LEAD_STATUSES.find((s) => s.status === status)?.label ?? status
}

/**
 * `<parley-lead-controls>`: a callback's or offline lead's status and assignee, changed with
 * two selects (`PATCH /v1/conversations/:id/lead`). What they show is the summary's `lead`,
 * which the relay sends every operator who sees the conversation, so a change made elsewhere
 * shows here at once. The assignee list is the team's active people (`GET /v1/team`).
 */
export class ParleyLeadControls extends LitElement {
  static override properties = {
    api: { attribute: false },
    conversation: { attribute: false },
    people: { state: true },
    saving: { state: true },
    problem: { state: true },
  }

  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        align-items: flex-end;
        gap: 0.5rem 0.9rem;
        padding: 0.6rem 1.25rem;
        background: var(--parley-surface-muted);
        border-bottom: 1px solid var(--parley-border);
      }
      .field {
        display: grid;
        gap: 0.2rem;
      }
      label {
        font-size: 0.8rem;
        font-weight: 600;
      }
      select {
        font: inherit;
        font-weight: 400;
        min-width: 10rem;
        padding: 0.35rem 0.5rem;
        border: 1px solid var(--parley-border);
        border-radius: var(--parley-radius);
        background: var(--parley-surface);
        color: var(--parley-text);
      }
      [role='alert'] {
        flex-basis: 100%;
        font-size: 0.85rem;
      }
    `,
  ]

  declare api: RestApi | undefined
  declare conversation: ConversationSummary | undefined
  declare people: readonly TeamMember[]
  declare saving: boolean
  declare problem: string

  #peopleFor: RestApi | undefined

  constructor() {
    super()
    this.people = []
    this.saving = false
    this.problem = ''
  }

  override willUpdate(): void {
    const { api } = this
    if (!api || api === this.#peopleFor) return
    this.#peopleFor = api
    api.get<TeamReply>('/v1/team').then(
      (team) => {
        this.people = team.members.filter((m) => m.kind === 'human')
      },
      () => {
        // Without the team the assignee list offers only who has it now.
      },
    )
  }

  override render() {
    const lead = this.conversation?.lead
    if (!lead) return nothing
    const assignee = lead.assignee
    const people =
      assignee && !this.people.some((p) => p.id === assignee.id)
        ? [{ id: assignee.id, name: assignee.name }, ...this.people]
        : this.people
    return html`<form aria-label="Lead" @submit=${(e: Event) => e.preventDefault()}>
      <div class="field">
        <label for="lead-status">Lead status</label>
        <select
          id="lead-status"
          name="status"
          .value=${lead.status}
          ?disabled=${this.saving}
          @change=${(e: Event) => this.#save({ status: (e.target as HTMLSelectElement).value })}
        >
          ${LEAD_STATUSES.map(
            (s) =>
              html`<option value=${s.status} ?selected=${s.status === lead.status}>${s.label}</option>`,
          )}
        </select>
      </div>
      <div class="field">
        <label for="lead-assignee">Assignee</label>
        <select
          id="lead-assignee"
          name="assignee"
          ?disabled=${this.saving}
          @change=${(e: Event) => {
            const value = (e.target as HTMLSelectElement).value
            void this.#save({ assigneeId: value || null })
          }}
        >
          <option value="" ?selected=${!assignee}>Nobody</option>
          ${people.map(
            (p) =>
              html`<option value=${p.id} ?selected=${p.id === assignee?.id}>${p.name}</option>`,
          )}
        </select>
      </div>
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
    </form>`
  }

  async #save(patch: { status?: string; assigneeId?: string | null }): Promise<void> {
    const { api, conversation } = this
    if (!api || !conversation) return
    this.saving = true
    this.problem = ''
    try {
      await api.send(
        'PATCH',
        `/v1/conversations/${encodeURIComponent(conversation.id)}/lead`,
        patch,
      )
    } catch (error) {
      const message = error instanceof Error && error.message ? error.message : 'unknown error'
      this.problem = `Not changed: ${message}`
    } finally {
      this.saving = false
    }
  }
}
