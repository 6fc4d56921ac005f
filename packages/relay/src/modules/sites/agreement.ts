import { createHash } from 'node:crypto'
import type { AgreementTemplate } from '@parley/protocol'

/** The consent agreement text, rendered per site from its template (ru and en). */

export type AgreementLang = 'ru' | 'en'

export interface RenderedAgreement {
  title: string
  paragraphs: string[]
}

function registration(template: AgreementTemplate, lang: AgreementLang): string {
  const parts = [lang === 'ru' ? `ИНН ${template.inn}` : `taxpayer number (INN) ${template.inn}`]
  if (template.ogrn) {
    const label =
      template.ogrn.length === 15
        ? lang === 'ru'
          ? 'ОГРНИП'
          : 'OGRNIP'
        : lang === 'ru'
          ? 'ОГРН'
          : 'OGRN'
    parts.push(`${label} ${template.ogrn}`)
  }
  parts.push(
    lang === 'ru' ? `адрес: ${template.legalAddress}` : `address: ${template.legalAddress}`,
  )
  return parts.join(', ')
}

/** The agreement as a title and plain-text paragraphs (not escaped). */
export function renderAgreement(
  template: AgreementTemplate,
  lang: AgreementLang,
): RenderedAgreement {
  const who = `${template.company} (${registration(template, lang)})`
  if (lang === 'ru') {
    return {
      title: 'Согласие на обработку персональных данных',
      paragraphs: [
        `Заполняя форму на сайте ${template.siteUrl}, я свободно, своей волей и в своём интересе даю согласие ${who} (далее — Оператор) на обработку моих персональных данных.`,
        'Какие данные: имя, номер телефона, адрес электронной почты, текст обращения, а также IP-адрес и время отправки формы.',
        'Цель обработки: ответить на обращение, перезвонить и проконсультировать по товарам и услугам Оператора.',
        'Что Оператор делает с данными: сбор, запись, систематизация, накопление, хранение, уточнение, использование, удаление и уничтожение — с использованием средств автоматизации и без них. Оператор не передаёт данные третьим лицам, кроме случаев, предусмотренных законом.',
        `Согласие действует до достижения цели обработки или до его отзыва. Отозвать согласие можно письмом на ${template.email}.`,
        'Данные обрабатываются в соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных».',
      ],
    }
  }
  return {
    title: 'Consent to the processing of personal data',
    paragraphs: [
      `By filling in a form on ${template.siteUrl}, I freely and in my own interest consent to ${who} (the Operator) processing my personal data.`,
      'Which data: name, phone number, email address, the text of my request, and the IP address and time the form was sent.',
      "Purpose: to answer my request, to call me back and to advise me on the Operator's goods and services.",
      'What the Operator does with the data: collects, records, organises, accumulates, stores, updates, uses, erases and destroys it, with and without automation. The Operator does not pass the data to third parties except where the law requires it.',
      `This consent lasts until the purpose is achieved or until I withdraw it. To withdraw it, write to ${template.email}.`,
      'The data is processed under Russian Federal Law No. 152-FZ of 27 July 2006 "On Personal Data".',
    ],
  }
}

/** The agreement version: first 16 hex of SHA-256 of the rendered ru text. */
export function agreementVersion(template: AgreementTemplate): string {
  const { title, paragraphs } = renderAgreement(template, 'ru')
  return createHash('sha256')
    .update([title, ...paragraphs].join('\n\n'))
    .digest('hex')
    .slice(0, 16)
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** HTML-escapes text for element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

/** A small self-contained HTML page with the agreement; every template value is escaped. */
export function agreementPage(template: AgreementTemplate, lang: AgreementLang): string {
  const { title, paragraphs } = renderAgreement(template, lang)
  const version = agreementVersion(template)
  const label = lang === 'ru' ? 'Версия' : 'Version'
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.55 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1f2328;background:#fff}small{color:#6e7781}@media (prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}small{color:#8b949e}}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<p><small>${label}: ${version}</small></p>
</main>
</body>
</html>
`
}
