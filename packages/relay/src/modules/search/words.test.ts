import { describe, expect, it } from 'vitest'
import { foldWord, SNIPPET_LENGTH, searchWords, snippetOf, wordMatches } from './words.ts'

describe('search words', () => {
  it('splits on anything but letters and digits, folds case, Latin accents and ё', () => {
    expect(searchWords('Где мой ЗАКАЗ №4711?')).toEqual(['где', 'мой', 'заказ', '4711'])
    expect(searchWords('anna.k@example.com +7 (916) 123-45-67')).toEqual([
      'anna',
      'k',
      'example',
      'com',
      '7',
      '916',
      '123',
      '45',
      '67',
    ])
    expect(searchWords('Ёлка CAFÉ naïve')).toEqual(['елка', 'cafe', 'naive'])
    // Only Latin letters lose their marks: й stays й.
    expect(foldWord('Чай')).toBe('чай')
    expect(searchWords('🎉 — "" ?!')).toEqual([])
    expect(searchWords('order ORDER Order')).toEqual(['order'])
  })

  it('matches a word by its beginning, a one-character word only whole', () => {
    expect(wordMatches('заказа', 'заказ')).toBe(true)
    expect(wordMatches('приказ', 'каз')).toBe(false)
    expect(wordMatches('5', '5')).toBe(true)
    expect(wordMatches('50', '5')).toBe(false)
  })
})

describe('snippets', () => {
  it('marks every matching word of a short message by its offsets', () => {
    const text = 'Заказ 4711: где мой заказ? Заказали вчера.'
    const snippet = snippetOf(text, ['заказ'])
    expect(snippet.text).toBe(text)
    expect(snippet.highlights.map((h) => text.slice(h.start, h.end))).toEqual([
      'Заказ',
      'заказ',
      'Заказали',
    ])
    expect(snippet).toMatchObject({ cutStart: false, cutEnd: false })
  })

  it('shows a window around the first match of a long message, cut between words', () => {
    const text = `${'lorem ipsum '.repeat(40)}the needle is here ${'dolor sit '.repeat(40)}`
    const snippet = snippetOf(text, ['needle'])
    expect(snippet.text.length).toBeLessThanOrEqual(SNIPPET_LENGTH)
    expect(snippet.text).toMatch(/^\S/)
    expect(snippet.text).toMatch(/\S$/)
    expect(snippet.highlights).toHaveLength(1)
    const [h] = snippet.highlights
    expect(snippet.text.slice(h!.start, h!.end)).toBe('needle')
    expect(snippet).toMatchObject({ cutStart: true, cutEnd: true })
  })

  it('starts at the beginning when no word of the text matches', () => {
    const text = 'x'.repeat(400)
    expect(snippetOf(text, ['other'])).toMatchObject({
      text: 'x'.repeat(SNIPPET_LENGTH),
      highlights: [],
      cutStart: false,
      cutEnd: true,
    })
  })
})
