import { describe, expect, it } from 'vitest'
import { cleanName, contentDisposition, contentTypeOf } from './content.ts'

const bytes = (...values: (number | string)[]) =>
  Buffer.concat(
    values.map((v) => (typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.from([v]))),
  )

const PNG = bytes(0x89, 'PNG\r\n\x1a\n', '\0\0\0\rIHDR')
const JPEG = bytes(0xff, 0xd8, 0xff, 0xe1, 'Exif')
const GIF = bytes('GIF89a')
const WEBP = bytes('RIFF\x10\0\0\0WEBPVP8 ')
const PDF = bytes('%PDF-1.4\n')
const ZIP = bytes('PK\x03\x04', '[Content_Types].xml')
const OLE = bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

describe('the type a file is stored as', () => {
  it('is what the bytes say for images and PDF, whatever the sender claimed', () => {
    expect(contentTypeOf(PNG, 'image/jpeg', 'photo.jpg')).toBe('image/png')
    expect(contentTypeOf(JPEG, undefined, 'x')).toBe('image/jpeg')
    expect(contentTypeOf(GIF, 'application/pdf', 'a.pdf')).toBe('image/gif')
    expect(contentTypeOf(WEBP, undefined, 'a.bin')).toBe('image/webp')
    expect(contentTypeOf(PDF, 'application/octet-stream', 'scan')).toBe('application/pdf')
  })

  it('is the declared or named office type only when the bytes are that kind of container', () => {
    expect(contentTypeOf(ZIP, DOCX, 'offer.docx')).toBe(DOCX)
    expect(contentTypeOf(ZIP, undefined, 'Offer.DOCX')).toBe(DOCX)
    expect(contentTypeOf(OLE, 'application/msword', 'old.doc')).toBe('application/msword')
    expect(contentTypeOf(OLE, DOCX, 'offer.docx')).toBeUndefined()
    expect(contentTypeOf(ZIP, 'application/zip', 'archive.zip')).toBeUndefined()
  })

  it('is text only for UTF-8 without NUL bytes', () => {
    expect(contentTypeOf(Buffer.from('Заказ 5, 2 шт.'), 'text/plain', 'a.txt')).toBe('text/plain')
    expect(contentTypeOf(Buffer.from('a;b\n1;2'), undefined, 'table.csv')).toBe('text/csv')
    expect(contentTypeOf(bytes('MZ\x90\0'), 'text/plain', 'a.txt')).toBeUndefined()
    expect(contentTypeOf(bytes(0xc3, 0x28), 'text/plain', 'a.txt')).toBeUndefined()
  })

  it('is nothing for a page or script that calls itself an image, or an unknown type', () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>')
    expect(contentTypeOf(svg, 'image/png', 'cat.png')).toBeUndefined()
    expect(contentTypeOf(svg, 'image/svg+xml', 'cat.svg')).toBeUndefined()
    expect(contentTypeOf(Buffer.from('<html>'), 'text/html', 'a.html')).toBeUndefined()
    expect(contentTypeOf(Buffer.from('<html>'), undefined, 'noextension')).toBeUndefined()
  })
})

describe('a stored file as sent back', () => {
  it('is shown inline when an image and downloaded otherwise, its name quoted safely', () => {
    expect(contentDisposition('cat.png', 'image/png')).toBe(
      `inline; filename="cat.png"; filename*=UTF-8''cat.png`,
    )
    expect(contentDisposition('a "b"\\c (1).pdf', 'application/pdf')).toBe(
      `attachment; filename="a _b__c (1).pdf"; filename*=UTF-8''a%20%22b%22%5Cc%20%281%29.pdf`,
    )
  })

  it('keeps a name without its path and control characters, and never empty', () => {
    expect(cleanName('C:\\Users\\anna\\scan.pdf', 'file')).toBe('scan.pdf')
    expect(cleanName('../../etc/passwd', 'file')).toBe('passwd')
    expect(cleanName('a\r\nb.txt', 'file')).toBe('ab.txt')
    expect(cleanName(undefined, 'photo.jpg')).toBe('photo.jpg')
    expect(cleanName('   ', 'file')).toBe('file')
    expect(cleanName('x'.repeat(300), 'file')).toHaveLength(200)
  })
})
