import { describe, expect, it } from 'vitest'
import { isValidInn, isValidOgrn, validateAgreementTemplate } from './legal.ts'

describe('isValidInn', () => {
  const cases: [string, boolean][] = [
    ['7707083893', true],
    ['7701234560', true],
    ['770123456703', true],
    ['7707083894', false],
    ['770123456704', false],
    ['770123456713', false],
    ['770708389', false],
    ['77070838931', false],
    ['77070838a3', false],
    ['', false],
  ]
  for (const [inn, valid] of cases) {
    it(`says INN ${JSON.stringify(inn)} is ${valid ? 'valid' : 'invalid'}`, () => {
      expect(isValidInn(inn)).toBe(valid)
    })
  }
})

describe('isValidOgrn', () => {
  const cases: [string, boolean][] = [
    ['1027700132195', true],
    ['1177746123455', true],
    ['304500116000157', true],
    ['1027700132194', false],
    ['304500116000158', false],
    ['10277001321', false],
    ['30450011600015', false],
    ['1O27700132195', false],
  ]
  for (const [ogrn, valid] of cases) {
    it(`says OGRN ${JSON.stringify(ogrn)} is ${valid ? 'valid' : 'invalid'}`, () => {
      expect(isValidOgrn(ogrn)).toBe(valid)
    })
  }
})

describe('validateAgreementTemplate', () => {
  const good = {
    company: 'Chai & Co LLC',
    inn: '7701234560',
    legalAddress: '1 Tea Street, Moscow',
    email: 'privacy@chai.example',
    siteUrl: 'https://chai.example',
  }

  it('accepts a complete template and trims it', () => {
    expect(validateAgreementTemplate({ ...good, company: ' Chai & Co LLC ' })).toEqual({
      ok: true,
      value: good,
    })
  })

  it('keeps a valid OGRN or OGRNIP', () => {
    const result = validateAgreementTemplate({ ...good, ogrn: '304500116000157' })
    expect(result.ok && result.value.ogrn).toBe('304500116000157')
  })

  it('names every missing required field', () => {
    expect(validateAgreementTemplate({})).toEqual({
      ok: false,
      fields: [
        { field: 'company', code: 'required' },
        { field: 'legalAddress', code: 'required' },
        { field: 'inn', code: 'required' },
        { field: 'email', code: 'required' },
        { field: 'siteUrl', code: 'required' },
      ],
    })
  })

  it('reports checksum, email and URL errors per field', () => {
    expect(
      validateAgreementTemplate({
        ...good,
        inn: '7701234561',
        ogrn: '1177746123456',
        email: 'privacy',
        siteUrl: 'chai.example',
      }),
    ).toEqual({
      ok: false,
      fields: [
        { field: 'inn', code: 'inn_invalid' },
        { field: 'email', code: 'email_invalid' },
        { field: 'siteUrl', code: 'url_invalid' },
        { field: 'ogrn', code: 'ogrn_invalid' },
      ],
    })
  })

  it('treats a non-string field as missing', () => {
    const result = validateAgreementTemplate({ ...good, inn: 7701234560 })
    expect(result).toEqual({ ok: false, fields: [{ field: 'inn', code: 'required' }] })
  })
})
