/*
 * The demo shop's script (external, so the pages work under a strict CSP).
 * Buttons with `data-parley-open="chat|callback|offline"` open the widget.
 *
 * The cookie banner. Nothing is stored and the chat opens no socket
 * until the visitor accepts (or touches the chat): Accept calls
 * Parley('allowStorage') and remembers the choice; Decline only hides the banner
 * for this page, storing nothing.
 */
;(() => {
  if (!window.Parley) {
    const queue = []
    window.Parley = (...args) => {
      queue.push(args)
    }
    window.Parley.q = queue
  }
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element && event.target.closest('[data-parley-open]')
    if (button) window.Parley('open', button.getAttribute('data-parley-open') || undefined)
  })
  const KEY = 'chai-cookie-consent'
  let accepted = false
  try {
    accepted = localStorage.getItem(KEY) === 'accepted'
  } catch {}
  if (accepted) {
    window.Parley('allowStorage')
    return
  }
  const show = () => {
    const banner = document.createElement('div')
    banner.className = 'cookie-banner'
    banner.setAttribute('role', 'region')
    banner.setAttribute('aria-label', 'Cookie consent')
    const text = document.createElement('p')
    text.textContent =
      'We use local storage to keep your chat with us between pages. Is that all right?'
    const accept = document.createElement('button')
    accept.type = 'button'
    accept.className = 'button'
    accept.textContent = 'Accept'
    const decline = document.createElement('button')
    decline.type = 'button'
    decline.className = 'button button--ghost'
    decline.textContent = 'Decline'
    accept.addEventListener('click', () => {
      try {
        localStorage.setItem(KEY, 'accepted')
      } catch {}
      window.Parley('allowStorage')
      banner.remove()
    })
    decline.addEventListener('click', () => banner.remove())
    const actions = document.createElement('div')
    actions.className = 'cookie-actions'
    actions.append(accept, decline)
    banner.append(text, actions)
    document.body.append(banner)
  }
  if (document.body) show()
  else document.addEventListener('DOMContentLoaded', show, { once: true })
})()
