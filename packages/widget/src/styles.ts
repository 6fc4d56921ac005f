import css from './styles.css?inline'

const sheets = new Map<string, CSSStyleSheet>()

/**
 * Applies a stylesheet (the widget's by default; lazy chunks bring their own)
 * to a shadow root as a constructable sheet, which works under a strict CSP
 * (no 'unsafe-inline'). Browsers without constructable sheets get a <style>
 * element instead. Returns the undo.
 */
export function applyStyles(root: ShadowRoot, text: string = css): () => void {
  if ('adoptedStyleSheets' in root && 'replaceSync' in CSSStyleSheet.prototype) {
    let sheet = sheets.get(text)
    if (!sheet) {
      sheet = new CSSStyleSheet()
      sheet.replaceSync(text)
      sheets.set(text, sheet)
    }
    const own = sheet
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, own]
    return () => {
      root.adoptedStyleSheets = root.adoptedStyleSheets.filter((s) => s !== own)
    }
  }
  const style = document.createElement('style')
  style.textContent = text
  root.append(style)
  return () => style.remove()
}
