import type { FunnelReply, FunnelRow } from '@parley/protocol'
import { css, html, nothing } from 'lit'
import { formatShare } from './format.ts'

/** How the funnel's rows may be split (`groupBy`), with their labels. */
export const FUNNEL_BY = [
  ['site', 'Site'],
  ['channel', 'Channel'],
  ['scenario', 'Scenario'],
  ['page', 'Landing page'],
  ['source', 'Source (utm_source)'],
] as const

const STEPS: readonly [
  keyof FunnelRow & ('visits' | 'opens' | 'picks' | 'conversations' | 'leads'),
  string,
][] = [
  ['visits', 'Visits'],
  ['opens', 'Button opens'],
  ['picks', 'Channel picks'],
  ['conversations', 'Conversations'],
  ['leads', 'Leads'],
]

export const funnelStyles = css`
  .funnel {
    list-style: none;
    padding: 0;
    margin: 0 0 1rem;
    display: grid;
    gap: 0.35rem;
    max-width: 40rem;
  }
  .funnel li {
    display: grid;
    grid-template-columns: 9rem 1fr 7rem;
    align-items: center;
    gap: 0.5rem;
  }
  .funnel .bar {
    height: 1.1rem;
    border-radius: 3px;
    background: var(--parley-accent, #2563eb);
    min-width: 2px;
  }
`

const count = (value: number | null) => (value === null ? '—' : String(value))

/**
 * The funnel tab's body: the total as bars (each step's share of the visits), the table by
 * `groupBy`, and its CSV. Definitions: docs/metrics.md ("Funnel").
 */
export function renderFunnel(
  report: FunnelReply,
  caption: string,
  download: () => void,
  busy: boolean,
) {
  const total = report.total
  // The longest bar is the largest step: before the counters existed, conversations outnumber visits.
  const top = Math.max(1, ...STEPS.map(([key]) => total[key] ?? 0))
  return html`
    <p class="note">
      Visits, button opens and channel picks are anonymous counters the widget sends (no cookie,
      nothing stored in the browser), counted per day in the site's time zone; conversations and
      leads come from the conversation log. Channel rows have no visits or opens (a visit is not
      of a channel); scenario rows have conversations and leads only.
    </p>
    <ol class="funnel" aria-label="Funnel">
      ${STEPS.map(([key, label]) => {
        const value = total[key] ?? 0
        return html`<li>
          <span>${label}</span>
          <span class="bar" style=${`width:${Math.min(100, (value / top) * 100)}%`}></span>
          <span>${value}${total.visits ? html` (${formatShare(value / total.visits)})` : nothing}</span>
        </li>`
      })}
    </ol>
    <h3>${caption}</h3>
    <div class="table" role="region" aria-label=${`${caption} (scrolls)`} tabindex="0">
      <table>
        <caption class="visually-hidden">${caption}</caption>
        <thead>
          <tr>
            <th scope="col">${FUNNEL_BY.find(([v]) => v === report.groupBy)?.[1]}</th>
            ${STEPS.map(([, label]) => html`<th scope="col">${label}</th>`)}
            <th scope="col">Leads per visit</th>
          </tr>
        </thead>
        <tbody>
          ${report.rows.map((row) => html`<tr><th scope="row">${row.label}</th>${cells(row)}</tr>`)}
        </tbody>
        <tfoot>
          <tr><th scope="row">Total</th>${cells(total)}</tr>
        </tfoot>
      </table>
    </div>
    <div class="row-actions">
      <button type="button" ?disabled=${busy} @click=${download}>Download CSV: ${caption}</button>
    </div>
  `
}

function cells(row: FunnelRow) {
  return html`${STEPS.map(([key]) => html`<td>${count(row[key])}</td>`)}<td>${formatShare(row.conversion)}</td>`
}
