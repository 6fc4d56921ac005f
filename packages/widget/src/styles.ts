import css from './styles.css?inline'

let shared: CSSStyleSheet | undefined

/**
 * Applies the widget's stylesheet to a shadow root as a constructable sheet, which
 * works under a strict CSP (no 'unsafe-inline'). Browsers without constructable
 * sheets get a <style> element instead. Returns the undo.
 */
export function applyStyles(root: ShadowRoot): () => void {
  if ('adoptedStyleSheets' in root && 'replaceSync' in CSSStyleSheet.prototype) {
    if (!shared) {
      shared = new CSSStyleSheet()
      shared.replaceSync(css)
    }
    const sheet = shared
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet]
    return () => {
      root.adoptedStyleSheets = root.adoptedStyleSheets.filter((s) => s !== sheet)
    }
  }
  const style = document.createElement('style')
  style.textContent = css
  root.append(style)
  return () => style.remove()
}
