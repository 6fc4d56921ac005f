import { type Static, Type } from '@sinclair/typebox'
import type { ConversationEvent, ConversationSummary } from './common.ts'
import type { OperatorProfile } from './operator.ts'
import { Role } from './operator.ts'

export const LoginBody = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
})
export type LoginBody = Static<typeof LoginBody>

export interface LoginReply {
  operator: OperatorProfile
}

export const CreateEmployeeBody = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' }),
  name: Type.String({ minLength: 1, maxLength: 120 }),
  password: Type.String({ minLength: 8, maxLength: 1024 }),
  role: Role,
})
export type CreateEmployeeBody = Static<typeof CreateEmployeeBody>

export const CreateApiTokenBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 120 }),
})
export type CreateApiTokenBody = Static<typeof CreateApiTokenBody>

/** The token itself is shown once, here; the relay keeps only its hash. */
export interface CreateApiTokenReply {
  id: string
  name: string
  token: string
}

export interface ConversationListReply {
  conversations: ConversationSummary[]
}

export interface ConversationEventsReply {
  conversation: ConversationSummary
  events: ConversationEvent[]
}

/** What the widget boots from: `GET /v1/sites/:site/config` (with ETag). */
export interface SiteConfig {
  siteId: string
  name: string
  /** Changes whenever anything below changes; also announced in `welcome`. */
  configVersion: string
  locale: 'ru' | 'en'
  /** `consent`: nothing stored and no socket until the visitor interacts. */
  storage: 'consent' | 'always'
  theme: { accent: string; position: 'right' | 'left' }
  chat: { title: string; greeting: string }
}

export interface HealthReply {
  status: 'ok' | 'shutting_down'
  version: string
  protocol: number
}
