import { css } from 'lit'

/**
 * What every settings screen shares: heading, lead paragraph, tables, form rows, the
 * one-time secret field, notices. Used beside `base` from `theme.ts`.
 */
export const sectionStyles = css`
  :host {
    display: block;
    max-width: 60rem;
  }
  h2 {
    margin: 0 0 0.25rem;
    font-size: 1.3rem;
  }
  h3 {
    margin: 1.5rem 0 0.5rem;
    font-size: 1.05rem;
  }
  .lead {
    margin: 0 0 1rem;
    color: var(--parley-text-muted);
  }
  .card {
    background: var(--parley-surface);
    border: 1px solid var(--parley-border);
    border-radius: var(--parley-radius);
    padding: 1rem;
    margin: 0 0 1rem;
  }
  .card > h3:first-child {
    margin-top: 0;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    background: var(--parley-surface);
    border: 1px solid var(--parley-border);
    border-radius: var(--parley-radius);
    font-size: 0.92rem;
  }
  th,
  td {
    text-align: left;
    padding: 0.5rem 0.65rem;
    border-bottom: 1px solid var(--parley-border);
    vertical-align: middle;
  }
  th {
    font-weight: 600;
  }
  thead th {
    color: var(--parley-text-muted);
    font-size: 0.8rem;
    text-transform: uppercase;
    letter-spacing: 0.03em;
  }
  .table {
    overflow-x: auto;
    /* Positioned, so what is absolutely placed inside (visually hidden headers) scrolls with
       the table instead of widening the page. */
    position: relative;
    border-radius: var(--parley-radius);
  }
  tr:last-child td {
    border-bottom: none;
  }
  td.actions {
    white-space: nowrap;
    text-align: right;
  }
  td.actions button + button {
    margin-left: 0.4rem;
  }
  button.primary.danger {
    background: var(--parley-danger);
    border-color: var(--parley-danger);
    color: var(--parley-surface);
  }
  .more {
    margin: 0.75rem 0 0;
  }
  .muted {
    color: var(--parley-text-muted);
  }
  .fields {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    align-items: flex-end;
  }
  label.field {
    display: grid;
    gap: 0.25rem;
    font-size: 0.85rem;
    font-weight: 600;
  }
  input,
  select,
  textarea {
    font: inherit;
    font-weight: 400;
    padding: 0.45rem 0.6rem;
    border: 1px solid var(--parley-border);
    border-radius: var(--parley-radius);
    background: var(--parley-surface);
    color: var(--parley-text);
    min-width: 12rem;
  }
  fieldset {
    border: 1px solid var(--parley-border);
    border-radius: var(--parley-radius);
    margin: 0;
    padding: 0.5rem 0.75rem;
  }
  input.time {
    min-width: 0;
    width: 5.5rem;
  }
  fieldset label {
    display: flex;
    align-items: center;
    gap: 0.4rem;
    padding: 0.15rem 0;
  }
  input[type='checkbox'],
  input[type='radio'] {
    min-width: 0;
    margin: 0;
    padding: 0;
  }
  input[type='color'] {
    min-width: 4rem;
    padding: 0.15rem;
    height: 2.3rem;
  }
  label.check {
    display: flex;
    align-items: center;
    gap: 0.4rem;
  }
  label.field textarea {
    width: 100%;
  }
  legend {
    font-size: 0.85rem;
    font-weight: 600;
  }
  .secret {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    margin: 0.5rem 0;
  }
  .secret input {
    flex: 1;
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
    font-size: 0.85rem;
  }
  .notice {
    margin: 0 0 1rem;
    padding: 0.6rem 0.8rem;
    border-radius: var(--parley-radius);
    background: var(--parley-accent-soft);
  }
  [role='alert'] {
    margin: 0 0 1rem;
  }
  .badge {
    display: inline-block;
    padding: 0.1rem 0.5rem;
    border-radius: 999px;
    font-size: 0.8rem;
    background: var(--parley-surface-muted);
    color: var(--parley-text-muted);
  }
  .badge.ok {
    color: var(--parley-success);
  }
  .badge.bad {
    color: var(--parley-danger);
    background: var(--parley-danger-soft);
  }
  @media (max-width: 40rem) {
    th.optional,
    td.optional {
      display: none;
    }
    .fields,
    .fields label.field,
    .fields input,
    .fields select,
    .fields textarea {
      width: 100%;
      min-width: 0;
    }
  }
`
