/** The protocol version announced in `hello` and `welcome`. */
export const PROTOCOL_VERSION = 1 as const
export type ProtocolVersion = typeof PROTOCOL_VERSION

/** Limits the relay enforces by default; the relay may be configured tighter or looser. */
export const DEFAULT_LIMITS = {
  /** Largest inbound frame, in bytes of UTF-8 JSON. */
  maxFrameBytes: 16 * 1024,
  /** Longest message text, in UTF-16 code units (what `String.length` counts). */
  maxTextLength: 4000,
} as const
