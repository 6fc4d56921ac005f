/** @jsxImportSource react */
// The pragma above lets the repository's root tsconfig (Preact JSX) check this file too.
import { mount, type WidgetHandle } from '@parley/widget'
import { useEffect, useRef, useState } from 'react'
import { PARLEY_HOST, PARLEY_SITE } from './config.ts'

/**
 * A React page that mounts the Parley widget once, in an effect whose cleanup
 * destroys it (StrictMode mounts, destroys and mounts again in development),
 * and opens the chat from its own button through the widget handle.
 */
export function App() {
  const container = useRef<HTMLDivElement>(null)
  const [widget, setWidget] = useState<WidgetHandle>()
  const [opened, setOpened] = useState(0)

  useEffect(() => {
    const element = container.current
    if (!element) return
    const handle = mount(element, { site: PARLEY_SITE, host: PARLEY_HOST })
    const offOpen = handle.on('open', () => setOpened((count) => count + 1))
    setWidget(handle)
    return () => {
      offOpen()
      handle.destroy()
      setWidget(undefined)
    }
  }, [])

  return (
    <main
      style={{ font: '16px/1.5 system-ui, sans-serif', maxWidth: '40rem', margin: '2rem auto' }}
    >
      <h1>Parley in a React app</h1>
      <p>
        The widget is mounted with <code>mount()</code> from <code>@parley/widget</code> in a{' '}
        <code>useEffect</code>; its launcher is in the corner.
      </p>
      <button type="button" disabled={!widget} onClick={() => widget?.open()}>
        Chat with us
      </button>
      <p aria-live="polite">{opened > 0 ? `The chat was opened ${opened} time(s).` : ''}</p>
      <div ref={container} />
    </main>
  )
}
