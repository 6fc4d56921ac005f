export type { ConnectionStatus, Timers, WebSocketConstructor, WebSocketLike } from './connection.ts'
export type { ChatMessage } from './conversation-log.ts'
export { createEmitter, type Emitter, type Unsubscribe } from './emitter.ts'
export { CLIENT_ERRORS, ParleyError, type ParleyErrorCode } from './errors.ts'
export type { HttpAck, HttpError } from './http-fallback.ts'
export {
  createOperatorClient,
  type OperatorClient,
  type OperatorClientEvents,
  type OperatorClientOptions,
} from './operator-client.ts'
export type { CommonOptions } from './options.ts'
export { type KeyValueStorage, memoryStorage, safeStorage } from './storage.ts'
export { createVisitorClient } from './visitor-client.ts'
export type {
  CallbackForm,
  EngageData,
  IdentifyData,
  OfflineForm,
  PrechatForm,
  SendOptions,
  VisitorAttributes,
} from './visitor-forms.ts'
export type {
  QueuePlace,
  VisitorClient,
  VisitorClientEvents,
  VisitorClientOptions,
} from './visitor-types.ts'
export { type WithdrawConsentOptions, withdrawConsent } from './withdraw-consent.ts'
