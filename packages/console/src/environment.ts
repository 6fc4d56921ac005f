import type { OperatorClient } from '@parley/client'

/** Everything the console takes from outside, so tests can replace it. */
export interface ConsoleEnvironment {
  /** Makes the realtime client once the operator is logged in. */
  createClient(options: { host: string }): OperatorClient
  /** Used for the session endpoints. @default globalThis.fetch */
  fetch: typeof fetch
  /** Origin of the relay. @default location.origin (the relay serves the console) */
  host: string
}

let current: Partial<ConsoleEnvironment> = {}

/** Replaces parts of the environment; call before `<parley-console>` connects. */
export function setConsoleEnvironment(environment: Partial<ConsoleEnvironment>): void {
  current = { ...current, ...environment }
}

/** The environment with defaults filled in. */
export function getConsoleEnvironment(): ConsoleEnvironment {
  return {
    createClient:
      current.createClient ??
      (() => {
        throw new Error(
          'Parley console: no client factory. Call setConsoleEnvironment({ createClient }) ' +
            'with createOperatorClient from @parley/client before mounting <parley-console>.',
        )
      }),
    fetch: current.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    host: current.host ?? globalThis.location.origin,
  }
}
