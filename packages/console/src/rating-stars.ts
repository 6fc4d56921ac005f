import { css, html, LitElement, nothing } from 'lit'

/** Highest rating a visitor can give. */
export const MAX_RATING = 5

/**
 * `<parley-rating-stars .rating=${4}>`: a visitor's rating (1–5) as stars, one image
 * named "Rated 4 out of 5" for assistive technology. Renders nothing without a
 * rating in range.
 */
export class ParleyRatingStars extends LitElement {
  static override properties = {
    rating: { attribute: false },
  }

  static override styles = css`
    :host {
      display: inline-block;
      line-height: 1;
      white-space: nowrap;
    }
    .on {
      color: var(--parley-warning, #b26a00);
    }
    .off {
      color: var(--parley-text-muted, #5c6670);
      opacity: 0.5;
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
      >${stars.map((on) => html`<span class=${on ? 'on' : 'off'} aria-hidden="true">${on ? '★' : '☆'}</span>`)}</span
    >`
  }
}
