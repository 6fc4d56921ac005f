import { createEngine } from '@parley/scenarios'
import { inBrowser } from './start.tsx'

/**
 * Entry of the `scenarios` chunk, fetched only for sites with an enabled
 * scenario: the engine (`@parley/scenarios`) and its DOM side in one file, since
 * they always load together (one request, one gzip stream).
 */
export const scenariosInBrowser = () => inBrowser(createEngine)
