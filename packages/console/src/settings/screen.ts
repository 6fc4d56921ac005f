import type { OperatorProfile } from '@parley/protocol'
import { LitElement, type PropertyDeclarations } from 'lit'
import type { RestApi } from '../rest-api.ts'
import { messageOf } from './shared.ts'

/**
 * What a settings screen shares: the REST client and the operator it is given, the relay's
 * last refusal (`problem`, shown with role=alert) and `busy` while a request is under way.
 */
export class SettingsScreen extends LitElement {
  static override properties: PropertyDeclarations = {
    api: { attribute: false },
    operator: { attribute: false },
    problem: { state: true },
    busy: { state: true },
  }

  declare api: RestApi | undefined
  declare operator: OperatorProfile | undefined
  declare problem: string
  declare busy: boolean

  constructor() {
    super()
    this.problem = ''
    this.busy = false
  }

  /**
   * Runs one request with the controls disabled (none while another runs) and shows its
   * error, the relay's message. Resolves whether it succeeded.
   */
  protected async run(work: () => Promise<void>): Promise<boolean> {
    if (!this.api || this.busy) return false
    this.busy = true
    this.problem = ''
    try {
      await work()
      return true
    } catch (error) {
      this.problem = messageOf(error)
      return false
    } finally {
      this.busy = false
    }
  }
}
