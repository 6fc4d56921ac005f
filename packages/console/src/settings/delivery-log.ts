import type { WebhookDelivery } from '@parley/protocol'
import { html, nothing } from 'lit'
import { formatMoment } from './shared.ts'

const STATE_LABELS: Record<WebhookDelivery['state'], string> = {
  pending: 'Waiting',
  delivered: 'Delivered',
  dead: 'Given up',
}

/** What the delivery log of one outbox endpoint (a webhook or a CRM connection) needs. */
export interface DeliveryLogView {
  /** How the endpoint is named in headings and labels (its URL, or "Bitrix24 …"). */
  name: string
  deliveries: readonly WebhookDelivery[]
  busy: boolean
  refresh(): void
  close(): void
  resend(delivery: WebhookDelivery): void
}

/**
 * An endpoint's delivery log: each queued event with its state and every attempt (time,
 * status, latency, error, the start of the reply), and "Resend". The Webhooks and CRM screens
 * show the same log.
 */
export function renderDeliveryLog(view: DeliveryLogView) {
  const { name, deliveries } = view
  return html`<section aria-label="Delivery log of ${name}">
    <h3>Delivery log: ${name}</h3>
    <p>
      <button type="button" ?disabled=${view.busy} @click=${() => view.refresh()}>Refresh</button>
      <button type="button" @click=${() => view.close()}>Close the log</button>
    </p>
    ${
      deliveries.length === 0
        ? html`<p class="muted">Nothing sent yet.</p>`
        : html`<div class="table">
            <table>
              <caption class="visually-hidden">Deliveries to ${name}</caption>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">State</th>
                  <th scope="col">Attempts</th>
                  <th scope="col"><span class="visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${deliveries.map((delivery) => renderDelivery(view, delivery))}
              </tbody>
            </table>
          </div>`
    }
  </section>`
}

function renderDelivery(view: DeliveryLogView, delivery: WebhookDelivery) {
  return html`<tr>
    <th scope="row">
      ${delivery.type}<br /><span class="muted">${formatMoment(delivery.createdAt)} · ${delivery.messageId}</span>
    </th>
    <td>
      ${STATE_LABELS[delivery.state]}
      ${
        delivery.nextAttemptAt !== null && delivery.attempts.length > 0
          ? html`<br /><span class="muted">Next try ${formatMoment(delivery.nextAttemptAt)}</span>`
          : nothing
      }
    </td>
    <td>
      ${
        delivery.attempts.length === 0
          ? html`<span class="muted">None yet</span>`
          : html`<ol class="attempts">
              ${delivery.attempts.map(
                (a) => html`<li>
                  ${formatMoment(a.at)}: ${a.status === null ? 'no reply' : `HTTP ${a.status}`},
                  ${a.latencyMs} ms${a.error ? html` — ${a.error}` : nothing}
                  ${a.excerpt ? html`<br /><code class="excerpt">${a.excerpt}</code>` : nothing}
                </li>`,
              )}
            </ol>`
      }
    </td>
    <td class="actions">
      <button
        type="button"
        aria-label="Resend ${delivery.type} ${delivery.messageId}"
        ?disabled=${view.busy}
        @click=${() => view.resend(delivery)}
      >
        Resend
      </button>
    </td>
  </tr>`
}
