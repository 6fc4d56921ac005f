import { ATTACHMENT_TYPES, type AttachmentType } from '@parley/protocol'

const ACCEPTED: ReadonlySet<string> = new Set(ATTACHMENT_TYPES)

/** Whether `type` (as a sender declares it, parameters dropped) is one the relay may store. */
export function isAcceptedType(type: string): boolean {
  return ACCEPTED.has(bareType(type))
}

/** `text/plain; charset=utf-8` → `text/plain`, lower case. */
const bareType = (type: string) => type.split(';')[0]!.trim().toLowerCase()

/** What a file name's extension says, for a sender that declared no type. */
const BY_EXTENSION: Readonly<Record<string, AttachmentType>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
}

/** Formats known by their first bytes. */
const SIGNATURES: readonly { type: AttachmentType; at?: number; bytes: number[] }[] = [
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', bytes: [0x47, 0x49, 0x46, 0x38] },
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
]
const RIFF = [0x52, 0x49, 0x46, 0x46]
const WEBP = [0x57, 0x45, 0x42, 0x50]
/** A ZIP container's local header: OOXML and OpenDocument files are ZIPs. */
const ZIP = [0x50, 0x4b, 0x03, 0x04]
/** An OLE2 compound file: .doc, .xls, .ppt. */
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]

const ZIPPED = new Set<string>([
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
])
const COMPOUND = new Set<string>([
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
])
const TEXT = new Set<string>(['text/plain', 'text/csv'])

const starts = (data: Uint8Array, bytes: number[], at = 0) =>
  data.length >= at + bytes.length && bytes.every((byte, i) => data[at + i] === byte)

/** UTF-8 without NUL bytes: what a text file is (anything else is binary under a text name). */
function isText(data: Uint8Array): boolean {
  if (data.includes(0)) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data)
    return true
  } catch {
    return false
  }
}

/**
 * The accepted type of a file, from its bytes first: images and PDF are what their
 * signature says, whatever the sender claimed (a PNG named `.jpg` is served as a PNG, an HTML
 * page called `photo.png` is refused). Office files must be the container their declared (or
 * extension's) type implies, text files UTF-8. `undefined`: not a file the relay stores.
 */
export function contentTypeOf(
  data: Uint8Array,
  declared: string | undefined,
  name: string,
): AttachmentType | undefined {
  for (const { type, bytes, at } of SIGNATURES) if (starts(data, bytes, at)) return type
  if (starts(data, RIFF) && starts(data, WEBP, 8)) return 'image/webp'
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase()
  const claimed = declared && isAcceptedType(declared) ? bareType(declared) : undefined
  const type = (claimed ?? (extension ? BY_EXTENSION[extension] : undefined)) as
    | AttachmentType
    | undefined
  if (!type) return undefined
  if (ZIPPED.has(type)) return starts(data, ZIP) ? type : undefined
  if (COMPOUND.has(type)) return starts(data, OLE) ? type : undefined
  if (TEXT.has(type)) return isText(data) ? type : undefined
  // An image or PDF type whose bytes are no such thing.
  return undefined
}

/** Images are shown in the page (as `<img>`); everything else is only ever downloaded. */
export const isImage = (type: string) => type.startsWith('image/')

/**
 * `Content-Disposition` for a stored file (RFC 6266): `inline` for images, `attachment` for
 * the rest, the name as an ASCII fallback plus `filename*` in UTF-8.
 */
export function contentDisposition(name: string, type: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_') || 'file'
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `${isImage(type) ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${encoded}`
}

/** A file name fit to store and show: no path, no control characters, at most 200 characters. */
export function cleanName(name: string | undefined, fallback: string): string {
  const last = (name ?? '').split(/[\\/]/).pop() ?? ''
  const base = [...last].filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
  return (base.join('').trim() || fallback).slice(0, 200)
}
