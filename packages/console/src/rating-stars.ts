import { css, html, LitElement, nothing, svg } from 'lit'

/** Highest rating a visitor can give. */
export const MAX_RATING = 5

/** A five-pointed star in a 20×20 box. */
const STAR = 'M10 1.5l2.6 5.3 5.9.9-4.3 4.1 1 5.8L10 14.9l-5.2 2.7 1-5.8L1.5 7.7l5.9-.9z'

/**
 * `<parley-rating-stars .rating=${4}>`: a visitor's rating (1–5) as stars (filled up
 * to the rating, outlined after), one image named "Rated 4 out of 5" for assistive
 * technology. Renders nothing without a rating in range.
 */
export class ParleyRatingStars extends LitElement {
  static override properties = {
    rating: { attribute: false },
  }

  static override styles = css`
    :host {
      display: inline-block;
      line-height: 0;
      white-space: nowrap;
    }
    svg {
      width: 0.95em;
      height: 0.95em;
      stroke-width: 1.5;
      stroke-linejoin: round;
    }
    .on {
      fill: var(--parley-warning, #9a5b00);
      stroke: var(--parley-warning, #9a5b00);
    }
    .off {
      fill: none;
      stroke: var(--parley-text-muted, #5c6670);
    }
  `

  /** 1..5; anything else shows nothing. */
  declare rating: number | undefined

  override render() {
    const rating = this.rating
    if (rating === undefined || !Number.isInteger(rating) || rating < 1 || rating > MAX_RATING) {
      return nothing
    }
    const stars = Array.from({ length: MAX_RATING }, (_, index) => index < rating)
    return html`<span role="img" aria-label="Rated ${rating} out of ${MAX_RATING}"
      >${stars.map(
        (on) =>
          html`<svg class=${on ? 'on' : 'off'} viewBox="0 0 20 20" aria-hidden="true">
            ${svg`<path d=${STAR}></path>`}
          </svg>`,
      )}</span
    >`
  }
}
