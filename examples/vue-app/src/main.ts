// Registers <parley-widget> (a side effect of this module).
import '@parley/widget/element'
import type { ParleyWidgetElement } from '@parley/widget/element'
import { createApp, defineComponent, ref } from 'vue'
import { PARLEY_HOST, PARLEY_SITE } from './config.ts'

/**
 * A Vue 3 page that uses the `<parley-widget>` custom element in a template
 * (compiled in the browser by Vue's full build, no SFC plugin) and opens the chat
 * from its own button through the element's `widget` handle.
 */
const App = defineComponent({
  setup() {
    const element = ref<ParleyWidgetElement | null>(null)
    const opened = ref(0)
    const open = () => {
      element.value?.widget?.open()
      opened.value += 1
    }
    return { element, open, opened, site: PARLEY_SITE, host: PARLEY_HOST }
  },
  template: `
    <main style="font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto">
      <h1>Parley in a Vue app</h1>
      <p>
        The widget is the <code>&lt;parley-widget&gt;</code> custom element, placed in this
        component's template; its launcher is in the corner.
      </p>
      <button type="button" @click="open">Chat with us</button>
      <p aria-live="polite">{{ opened > 0 ? 'Opened from the button ' + opened + ' time(s).' : '' }}</p>
      <parley-widget ref="element" :site="site" :host="host"></parley-widget>
    </main>
  `,
})

const app = createApp(App)
// Tell Vue's template compiler that <parley-widget> is a custom element, not a component.
app.config.compilerOptions.isCustomElement = (tag) => tag === 'parley-widget'
app.mount('#app')
