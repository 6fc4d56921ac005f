import { describe, expect, it } from 'vitest'
import { TEMPLATE } from '../../testing/forms.ts'
import { agreementVersion, escapeHtml, renderAgreement } from './agreement.ts'

describe('agreement', () => {
  it('names the company, its registration numbers, address, site and email in both languages', () => {
    for (const lang of ['ru', 'en'] as const) {
      const text = renderAgreement(TEMPLATE, lang).paragraphs.join('\n')
      for (const value of Object.values(TEMPLATE)) expect(text).toContain(value)
    }
    expect(renderAgreement(TEMPLATE, 'ru').paragraphs[0]).toContain('ОГРН 1177746123455')
    expect(renderAgreement({ ...TEMPLATE, ogrn: '304500116000157' }, 'ru').paragraphs[0]).toContain(
      'ОГРНИП 304500116000157',
    )
    expect(renderAgreement({ ...TEMPLATE, ogrn: undefined }, 'en').paragraphs[0]).not.toContain(
      'OGRN',
    )
  })

  it('has a 16-hex version that changes with any field and only with the text', () => {
    const version = agreementVersion(TEMPLATE)
    expect(version).toMatch(/^[0-9a-f]{16}$/)
    expect(agreementVersion({ ...TEMPLATE })).toBe(version)
    for (const key of Object.keys(TEMPLATE) as (keyof typeof TEMPLATE)[]) {
      expect(agreementVersion({ ...TEMPLATE, [key]: `${TEMPLATE[key]}1` })).not.toBe(version)
    }
  })

  it('escapes every HTML-significant character', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    )
  })
})
