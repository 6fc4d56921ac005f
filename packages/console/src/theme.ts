import { css } from 'lit'

/**
 * Design tokens as CSS custom properties, set once on `<parley-console>`.
 * Custom properties inherit through shadow roots, so every element reads them and
 * a host page can override any of them (`parley-console { --parley-accent: … }`).
 */
export const tokens = css`
  :host {
    --parley-font: ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --parley-bg: #f6f7f9;
    --parley-surface: #ffffff;
    --parley-surface-muted: #f0f2f5;
    --parley-border: #dde1e6;
    --parley-text: #1b1f24;
    --parley-text-muted: #5c6670;
    --parley-accent: #2f6fed;
    --parley-accent-text: #ffffff;
    --parley-accent-soft: #e6eeff;
    --parley-danger: #c62828;
    --parley-danger-soft: #fdecea;
    --parley-success: #2e7d32;
    --parley-warning: #9a5b00;
    --parley-bubble-visitor: #f0f2f5;
    --parley-bubble-operator: #e6eeff;
    --parley-radius: 8px;
    --parley-focus: 0 0 0 3px color-mix(in srgb, var(--parley-accent) 35%, transparent);
    color-scheme: light dark;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --parley-bg: #111418;
      --parley-surface: #1a1e23;
      --parley-surface-muted: #232830;
      --parley-border: #2e343c;
      --parley-text: #e6e9ed;
      --parley-text-muted: #9aa4ae;
      --parley-accent: #6c9cff;
      --parley-accent-text: #0b1220;
      --parley-accent-soft: #1f2d4a;
      --parley-danger: #ff8a80;
      --parley-danger-soft: #3a1d1d;
      --parley-success: #81c784;
      --parley-warning: #ffb74d;
      --parley-bubble-visitor: #232830;
      --parley-bubble-operator: #1f2d4a;
    }
  }
`

/** Shared element basics: box sizing, buttons, focus ring, visually hidden text. */
export const base = css`
  :host {
    box-sizing: border-box;
    font-family: var(--parley-font);
    color: var(--parley-text);
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: var(--parley-radius);
    border: 1px solid var(--parley-border);
    background: var(--parley-surface);
    color: var(--parley-text);
    padding: 0.45rem 0.9rem;
  }
  button:hover:not(:disabled) {
    background: var(--parley-surface-muted);
  }
  button.primary {
    background: var(--parley-accent);
    border-color: var(--parley-accent);
    color: var(--parley-accent-text);
    font-weight: 600;
  }
  button.primary:hover:not(:disabled) {
    background: color-mix(in srgb, var(--parley-accent) 85%, black);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
  :focus-visible {
    outline: none;
    box-shadow: var(--parley-focus);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  [role='alert'] {
    margin: 0;
    padding: 0.5rem 0.75rem;
    border-radius: var(--parley-radius);
    background: var(--parley-danger-soft);
    color: var(--parley-danger);
  }
`
