/** The privacy REST shapes the console reads (`/v1/privacy/…`), from `@parley/protocol`. */
export type {
  AuditEntry,
  ConsentEntry as ConsentRecord,
  Erasure as ErasureReply,
  Retention,
  Subject,
} from '@parley/protocol'
