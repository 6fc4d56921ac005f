import { css } from 'lit'

/** `<parley-conversation>`'s own styles (beside `base`): header, actions, forms, the card's column. */
export const conversationStyles = css`
      :host {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        min-height: 0;
        height: 100%;
        position: relative;
      }
      .chat {
        display: grid;
        grid-template-rows: auto 1fr auto auto auto;
        min-height: 0;
        min-width: 0;
      }
      .side {
        display: grid;
        grid-template-rows: auto minmax(0, 1fr);
        width: 19rem;
        min-height: 0;
        border-left: 1px solid var(--parley-border);
        background: var(--parley-surface);
      }
      .side .hide-card {
        display: none;
      }
      /* Narrow: the card covers the conversation, with a way back. */
      @media (max-width: 60rem) {
        .side {
          position: absolute;
          inset: 0;
          width: auto;
          z-index: 1;
          border-left: none;
        }
        .side .hide-card {
          display: block;
          justify-self: start;
          margin: 0.6rem 1rem 0;
          font-size: 0.85rem;
          padding: 0.3rem 0.7rem;
        }
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        padding: 0.75rem 1.25rem;
        background: var(--parley-surface);
        border-bottom: 1px solid var(--parley-border);
      }
      .title {
        flex: 1;
        min-width: min(100%, 14rem);
      }
      h2 {
        margin: 0;
        font-size: 1.05rem;
      }
      .details {
        margin: 0.1rem 0 0;
        font-size: 0.8rem;
        color: var(--parley-text-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      h2 .kind {
        margin-left: 0.5rem;
        padding: 0 0.45rem;
        border-radius: 999px;
        border: 1px solid currentColor;
        font-size: 0.75rem;
        font-weight: 600;
        vertical-align: 0.15em;
        color: var(--parley-text-muted);
      }
      .contact {
        display: flex;
        flex-wrap: wrap;
        gap: 0.2rem 0.9rem;
        margin: 0.15rem 0 0;
        font-size: 0.85rem;
      }
      .contact a {
        color: var(--parley-accent);
      }
      .rating {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        margin: 0.15rem 0 0;
        font-size: 0.85rem;
      }
      .typing {
        min-height: 1.4em;
        margin: 0;
        padding: 0.15rem 1.25rem;
        font-size: 0.8rem;
        font-style: italic;
        color: var(--parley-text-muted);
        background: var(--parley-bg);
      }
      .state-closed {
        color: var(--parley-danger);
        font-weight: 600;
      }
      .actions {
        display: flex;
        gap: 0.5rem;
      }
      .actions button {
        font-size: 0.85rem;
        padding: 0.35rem 0.8rem;
      }
      form.transfer {
        display: flex;
        flex-wrap: wrap;
        align-items: flex-end;
        gap: 0.6rem;
        padding: 0.75rem 1.25rem;
        background: var(--parley-surface-muted);
        border-bottom: 1px solid var(--parley-border);
      }
      form.transfer label {
        display: grid;
        gap: 0.2rem;
        font-size: 0.8rem;
        font-weight: 600;
      }
      form.transfer label.note {
        flex: 1;
        min-width: 14rem;
      }
      form.transfer select,
      form.transfer input {
        font: inherit;
        font-weight: 400;
        padding: 0.4rem 0.5rem;
        border: 1px solid var(--parley-border);
        border-radius: var(--parley-radius);
        background: var(--parley-surface);
        color: var(--parley-text);
      }
      .top {
        min-width: 0;
      }
      .notice {
        margin: 0.5rem 1rem 0;
        padding: 0.5rem 0.75rem;
        border-radius: var(--parley-radius);
        background: var(--parley-accent-soft);
      }
      [role='alert'] {
        margin: 0.5rem 1rem 0;
      }
    `
