/** Origin of the relay: `VITE_PARLEY_HOST`, else the one `npm run demo` starts. */
export const PARLEY_HOST: string = import.meta.env.VITE_PARLEY_HOST ?? 'http://127.0.0.1:8080'

/** Site id on the relay: `VITE_PARLEY_SITE`, else the demo site. */
export const PARLEY_SITE: string = import.meta.env.VITE_PARLEY_SITE ?? 'demo'
