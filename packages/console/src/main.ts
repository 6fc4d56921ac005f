import { createOperatorClient } from '@parley/client'
import { defineConsoleElements } from './elements.ts'
import { setConsoleEnvironment } from './environment.ts'

// The app entry (index.html): same origin as the relay, cookie-authenticated socket.
setConsoleEnvironment({ createClient: (options) => createOperatorClient(options) })
defineConsoleElements()
