import { css, html, LitElement, unsafeCSS } from 'lit'
import uPlot from 'uplot'
import uplotCss from 'uplot/dist/uPlot.min.css?inline'

export interface ChartSeries {
  label: string
  values: (number | null)[]
  color: string
}

/**
 * `<parley-chart>`: a uPlot line chart of daily values (x: the days' first instants, ms).
 * The numbers are also in the table beside it; the chart is the picture of them
 * (`role="img"` with the label). Without a canvas (a test DOM) it draws nothing.
 */
export class ParleyChart extends LitElement {
  static override properties = {
    label: {},
    days: { attribute: false },
    series: { attribute: false },
  }

  static override styles = [
    unsafeCSS(uplotCss),
    css`
      :host {
        display: block;
        min-height: 220px;
      }
      .u-legend {
        color: var(--parley-text);
        font-size: 0.85rem;
      }
    `,
  ]

  declare label: string
  declare days: number[]
  declare series: ChartSeries[]
  #plot: uPlot | undefined
  #resize: ResizeObserver | undefined

  constructor() {
    super()
    this.label = ''
    this.days = []
    this.series = []
  }

  override render() {
    return html`<div class="plot" role="img" aria-label=${this.label}></div>`
  }

  override updated(): void {
    this.#plot?.destroy()
    this.#plot = undefined
    const target = this.renderRoot.querySelector<HTMLElement>('.plot')
    const canvas = document.createElement('canvas')
    if (!target || typeof canvas.getContext !== 'function' || !canvas.getContext('2d')) return
    const muted = getComputedStyle(this).getPropertyValue('--parley-text-muted').trim() || '#888'
    const grid = getComputedStyle(this).getPropertyValue('--parley-border').trim() || '#ddd'
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } }
    this.#plot = new uPlot(
      {
        width: Math.max(280, target.clientWidth || this.clientWidth || 600),
        height: 220,
        scales: { x: { time: true } },
        axes: [axis, axis],
        series: [
          {},
          ...this.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            points: { show: true },
          })),
        ],
      },
      [this.days.map((d) => d / 1000), ...this.series.map((s) => s.values)] as uPlot.AlignedData,
      target,
    )
    this.#resize ??= new ResizeObserver(() => {
      const width = target.clientWidth
      if (this.#plot && width > 0) this.#plot.setSize({ width, height: 220 })
    })
    this.#resize.observe(target)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#resize?.disconnect()
    this.#resize = undefined
    this.#plot?.destroy()
    this.#plot = undefined
  }
}
