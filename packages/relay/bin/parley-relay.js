#!/usr/bin/env node
// The compiled CLI (`pnpm build` writes dist/). In the workspace, `pnpm --filter
// @parley/relay dev` runs the TypeScript sources instead.
await import('../dist/cli/main.js')
