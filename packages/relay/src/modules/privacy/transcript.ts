import type { SubjectExport } from '@parley/protocol'
import { escapeHtml } from '../sites/agreement.ts'

const iso = (at: unknown) => (typeof at === 'number' ? new Date(at).toISOString() : '')

function text(value: unknown): string {
  if (value === null || value === undefined) return ''
  return escapeHtml(typeof value === 'string' ? value : JSON.stringify(value))
}

function table(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '<p>None.</p>'
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))]
  return `<table><thead><tr>${columns.map((c) => `<th>${text(c)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${columns.map((c) => `<td>${text(row[c])}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`
}

function author(event: Record<string, unknown>): string {
  if (event.author_kind === 'visitor') return 'Visitor'
  if (event.author_kind === 'operator') return `Operator ${text(event.author_name ?? '')}`.trim()
  return 'System'
}

/**
 * The export as a readable, self-contained page (no script, no external resource): the
 * profile, consents, and each conversation as a transcript. Every stored value is escaped.
 */
export function exportHtml(data: SubjectExport): string {
  const profile = data.profile ? [data.profile] : []
  const conversations = data.conversations
    .map((conversation) => {
      const events = (conversation.events as Record<string, unknown>[]) ?? []
      const lines = events
        .map(
          (e) =>
            `<li><time>${iso(e.at)}</time> <b>${author(e)}</b>${e.kind === 'message' ? '' : ` <i>(${text(e.kind)})</i>`}: ${text(e.text)}${e.data ? ` <code>${text(e.data)}</code>` : ''}</li>`,
        )
        .join('\n')
      return `<section><h3>Conversation ${text(conversation.id)} (${text(conversation.kind)}, ${text(conversation.status)})</h3>
<p>Started ${iso(conversation.created_at)}, last activity ${iso(conversation.updated_at)}${conversation.rating ? `, rated ${text(conversation.rating)}` : ''}${conversation.rating_comment ? `: ${text(conversation.rating_comment)}` : ''}</p>
<ol>${lines}</ol></section>`
    })
    .join('\n')
  const others = Object.entries(data.tables)
    .filter(([name]) => !['visitors', 'consents', 'conversations', 'events'].includes(name))
    .map(([name, rows]) => `<h3>${text(name)}</h3>${table(rows)}`)
    .join('\n')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data held about visitor ${text(data.visitorId)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2328}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #d0d7de;padding:2px 6px;text-align:left;vertical-align:top}time{color:#6e7781}code{font-size:12px;color:#57606a}</style>
</head>
<body>
<h1>Data held about visitor ${text(data.visitorId)}</h1>
<p>Site ${text(data.siteId)}; exported ${iso(data.exportedAt)}.</p>
<h2>Profile</h2>
${table(profile)}
<h2>Consents</h2>
${table(data.consents)}
<h2>Conversations</h2>
${conversations || '<p>None.</p>'}
<h2>Other records</h2>
${others || '<p>None.</p>'}
</body>
</html>
`
}
