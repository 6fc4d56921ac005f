#!/usr/bin/env node
// Runs the relay's TypeScript sources directly: tsx compiles them on import.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
