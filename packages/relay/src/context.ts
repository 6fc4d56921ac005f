import type { ResolvedConfig } from './config/config.ts'
import type { Bus } from './infra/bus/types.ts'
import type { RegionResolver } from './infra/region/resolve.ts'
import type { Conversations } from './modules/conversations/service.ts'
import type { OperatorPresence } from './modules/presence/presence.ts'
import type { Attribution } from './modules/scenarios/attribution.ts'
import type { ScenarioCatalog } from './modules/scenarios/catalog.ts'
import type { VisitorForms } from './modules/visitors/forms.ts'
import type { StartParams } from './modules/visitors/start-param.ts'
import type { VisitorTokens } from './modules/visitors/visitor-token.ts'
import type { Store } from './store/types.ts'

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
