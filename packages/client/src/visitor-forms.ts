import type {
  AttributesFrame,
  CallbackFrame,
  EngageFrame,
  IdentifyFrame,
  OfflineFrame,
  PrechatFrame,
} from '@parley/protocol'

/** A callback request as the visitor filled it in (the client adds `t` and `cid`). */
export type CallbackForm = Omit<CallbackFrame, 't' | 'cid'>
/** An offline message (lead): email or phone, text, consent. */
export type OfflineForm = Omit<OfflineFrame, 't' | 'cid'>
/** The pre-chat form's fields, per site config. */
export type PrechatForm = Omit<PrechatFrame, 't' | 'cid'>
/** Who the visitor is on the site: `hash` = hex HMAC-SHA256(userId, site identity secret). */
export type IdentifyData = Omit<IdentifyFrame, 't' | 'cid'>
/** Custom attributes for operators (≤ 50 keys, key ≤ 64 chars, value ≤ 256 chars). */
export type VisitorAttributes = AttributesFrame['attributes']
/** An invitation event: `page` is the URL it happened on, `session` the scenario engine's session id. */
export type EngageData = Omit<EngageFrame, 't' | 'cid'>
/** Extra fields of a chat message. */
export interface SendOptions {
  /** The engagement scenario whose invitation led to this message (attribution and routing). */
  scenarioId?: string
}
