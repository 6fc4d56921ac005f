import type { Attribution } from './attribution.ts'
import type { StartParams } from './auth/start-param.ts'
import type { VisitorTokens } from './auth/visitor-token.ts'
import type { Bus } from './bus/types.ts'
import type { ResolvedConfig } from './config.ts'
import type { Conversations } from './conversations.ts'
import type { OperatorPresence } from './gateway/presence.ts'
import type { RegionResolver } from './region/resolve.ts'
import type { ScenarioCatalog } from './scenarios/catalog.ts'
import type { Store } from './store/types.ts'
import type { VisitorForms } from './visitor-forms.ts'

/** Everything the relay's routes and gateways share, as `app.parley`. */
export interface RelayContext {
  config: ResolvedConfig
  store: Store
  bus: Bus
  conversations: Conversations
  /** Callback, offline, prechat, identify, attributes and rate frames (and their HTTP fallback). */
  forms: VisitorForms
  visitorTokens: VisitorTokens
  /** Signed messenger start parameters (`welcome.startParam`). */
  startParams: StartParams
  presence: OperatorPresence
  /** Engagement scenarios: admin CRUD and what reaches the widget config. */
  scenarios: ScenarioCatalog
  /** Engagement events and conversions. */
  attribution: Attribution
  /** The visitor's region from a request (trusted header, else IP lookup). */
  region: RegionResolver
  /** Set when `close()` starts: health turns 503 and frames are refused. */
  shuttingDown: boolean
  /** The admin password generated at first start, to print once; else undefined. */
  generatedAdminPassword: string | undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    parley: RelayContext
  }
}
