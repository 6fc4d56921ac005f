import type { FunctionComponent } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type * as Forms from '../forms/forms.tsx'
import type { Strings } from '../i18n.ts'

/** The lazy forms chunk (`forms-*.js`): callback, offline, pre-chat forms and rating. */
export type FormsModule = typeof Forms

let loaded: FormsModule | undefined
let loading: Promise<FormsModule> | undefined

/** Loads the forms chunk once. */
export function loadForms(): Promise<FormsModule> {
  loading ??= import('../forms/forms.tsx').then(
    (module) => (loaded = module),
    (error: unknown) => {
      loading = undefined
      throw error
    },
  )
  return loading
}

interface LazyProps<K extends keyof FormsModule> {
  name: K
  props: Parameters<FormsModule[K]>[0]
  t: Strings
}

/** Renders a component of the forms chunk, loading the chunk first (a short "Loading…" meanwhile). */
export function Lazy<K extends keyof FormsModule>({ name, props, t }: LazyProps<K>) {
  const [module, setModule] = useState(loaded)
  useEffect(() => {
    if (!module) loadForms().then(setModule, (e: unknown) => console.error('Parley:', e))
  }, [module])
  if (!module) return <p class="loading">{t.loading}</p>
  const Component = module[name] as FunctionComponent<typeof props>
  return <Component {...props} />
}
