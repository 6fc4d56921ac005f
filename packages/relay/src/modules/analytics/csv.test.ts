import { METRICS, type MetricsReply } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { metricsCsv } from './csv.ts'
import { metricsRow } from './service.ts'

const sums = {
  received: 2,
  accepted: 1,
  missed: 1,
  waiting: 0,
  transferred: 0,
  firstFromAssignmentSum: 12_340,
  firstFromQueueSum: 20_000,
  responseSum: 0,
  responseCount: 0,
  closedAccepted: 1,
  handleSum: 60_000,
  resolutionSum: 65_000,
  rated: 1,
  satisfied: 0,
}

describe('the metrics CSV', () => {
  it('writes durations in seconds, shares 0..1, empty for nothing measured, and defuses formulas', () => {
    const report: MetricsReply = {
      period: { from: '2026-11-01', to: '2026-11-02', timeZone: 'UTC', fromAt: 0, toAt: 1 },
      groupBy: 'operator',
      rows: [
        metricsRow('u1', '=HYPERLINK("http://x","y")', sums, { onlineMs: 90_000, pauseMs: 0 }),
      ],
      total: metricsRow(null, 'Total', sums, { onlineMs: 90_000, pauseMs: 0 }),
    }
    const csv = metricsCsv(report)
    expect(csv.startsWith('\uFEFFoperator,key,Received,')).toBe(true)
    const [head, row, total] = csv.slice(1).trimEnd().split('\r\n')
    expect(head!.split(',')).toHaveLength(2 + METRICS.length)
    // The label a spreadsheet would run is quoted and starts with an apostrophe.
    expect(row).toBe(`"'=HYPERLINK(""http://x"",""y"")",u1,2,1,1,0,0,12.3,20,,60,65,0,1,90,0`)
    expect(total).toBe('Total,,2,1,1,0,0,12.3,20,,60,65,0,1,90,0')
  })
})
