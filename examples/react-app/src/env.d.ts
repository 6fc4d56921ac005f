/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_PARLEY_HOST?: string
  readonly VITE_PARLEY_SITE?: string
}
