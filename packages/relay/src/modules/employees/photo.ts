import type { EmployeePhoto } from './store.ts'

/** Largest photo accepted, in bytes. */
export const MAX_PHOTO_BYTES = 1024 * 1024

/**
 * The image type of `data` read from its first bytes (PNG, JPEG or WebP), or undefined. The
 * name and the type the browser claimed are never trusted.
 */
export function photoType(data: Uint8Array): EmployeePhoto['contentType'] | undefined {
  const starts = (bytes: number[], at = 0) => bytes.every((byte, i) => data[at + i] === byte)
  // PNG signature, then the IHDR chunk that must come first.
  if (
    starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) &&
    starts([0x49, 0x48, 0x44, 0x52], 12)
  ) {
    return 'image/png'
  }
  // JPEG: SOI then a marker.
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg'
  // WebP: RIFF <size> WEBP VP8(L|X).
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38], 8)) {
    return 'image/webp'
  }
  return undefined
}
