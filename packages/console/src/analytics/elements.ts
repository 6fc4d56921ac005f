import { ParleyAnalytics } from './analytics-view.ts'
import { ParleyChart } from './chart.ts'

/** The analytics chunk's elements: loaded when `#analytics` is first opened. */
export const ANALYTICS_ELEMENTS = {
  'parley-analytics': ParleyAnalytics,
  'parley-chart': ParleyChart,
} as const

export function defineAnalyticsElements(): void {
  for (const [tag, element] of Object.entries(ANALYTICS_ELEMENTS)) {
    if (!customElements.get(tag)) customElements.define(tag, element)
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-analytics': ParleyAnalytics
    'parley-chart': ParleyChart
  }
}
