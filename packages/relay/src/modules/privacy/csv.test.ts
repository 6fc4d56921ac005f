import type { ConsentEntry } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { consentsCsv, csvCell } from './csv.ts'

describe('CSV cells', () => {
  it('prefixes what a spreadsheet would run as a formula with a quote', () => {
    expect(['=1+2', '+7916', '-2', '@SUM(A1)', '\tx', '\rx'].map(csvCell)).toEqual([
      "'=1+2",
      "'+7916",
      "'-2",
      "'@SUM(A1)",
      "'\tx",
      `"'\rx"`,
    ])
  })

  it('quotes a cell with a comma, quote or line break, doubling the quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`)
    expect(csvCell(null)).toBe('')
    expect(csvCell(true)).toBe('true')
    expect(csvCell('plain text, ünïcode')).toBe('"plain text, ünïcode"')
  })

  it('writes a BOM, the header and one CRLF line per consent', () => {
    const consent: ConsentEntry = {
      id: 'k_1',
      siteId: 'shop',
      visitorId: '=cmd|calc',
      agreementVersion: 'abc',
      form: 'prechat',
      at: Date.UTC(2026, 0, 2, 3, 4, 5),
      ip: '::1',
      withdrawnAt: Date.UTC(2026, 0, 3),
      withdrawnBy: 'admin',
      erased: true,
    }
    expect(consentsCsv([consent])).toBe(
      '\uFEFFid,siteId,visitorId,agreementVersion,form,at,ip,withdrawnAt,withdrawnBy,erased\r\n' +
        "k_1,shop,'=cmd|calc,abc,prechat,2026-01-02T03:04:05.000Z,::1,2026-01-03T00:00:00.000Z,admin,true\r\n",
    )
  })
})
