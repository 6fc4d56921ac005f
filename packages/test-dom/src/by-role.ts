/**
 * Finds elements as a person does: by ARIA role and accessible name, through open
 * shadow roots. A small part of WAI-ARIA's implicit roles (html-aam) and of the
 * accessible name computation (accname), enough for happy-dom tests; the browser
 * tests use Playwright's `getByRole`. Elements hidden with `hidden`,
 * `aria-hidden="true"` or an inline `display: none` (on themselves or an
 * ancestor, across shadow roots) are left out unless `hidden: true`.
 * Shared by the widget's and the console's tests; a private package, never published.
 */

export type Role =
  | 'alert'
  | 'article'
  | 'banner'
  | 'button'
  | 'checkbox'
  | 'combobox'
  | 'definition'
  | 'dialog'
  | 'form'
  | 'group'
  | 'heading'
  | 'img'
  | 'link'
  | 'list'
  | 'listbox'
  | 'listitem'
  | 'log'
  | 'main'
  | 'option'
  | 'paragraph'
  | 'radio'
  | 'region'
  | 'searchbox'
  | 'status'
  | 'tab'
  | 'tablist'
  | 'tabpanel'
  | 'term'
  | 'textbox'
  | 'time'
  | (string & {})

export interface RoleOptions {
  /** The accessible name: a string matches it whole (whitespace collapsed), a RegExp anywhere. */
  name?: string | RegExp
  /** Include elements hidden from assistive technology. */
  hidden?: boolean
  /** A heading's level. */
  level?: number
}

type Root = Document | Element | ShadowRoot

const INPUT_ROLES: Record<string, string | undefined> = {
  button: 'button',
  submit: 'button',
  reset: 'button',
  image: 'button',
  checkbox: 'checkbox',
  radio: 'radio',
  range: 'slider',
  number: 'spinbutton',
  search: 'searchbox',
  email: 'textbox',
  tel: 'textbox',
  text: 'textbox',
  url: 'textbox',
}

const TAG_ROLES: Record<string, string> = {
  ARTICLE: 'article',
  BUTTON: 'button',
  DD: 'definition',
  DIALOG: 'dialog',
  DT: 'term',
  FIELDSET: 'group',
  LI: 'listitem',
  MAIN: 'main',
  NAV: 'navigation',
  OL: 'list',
  OPTION: 'option',
  OUTPUT: 'status',
  P: 'paragraph',
  TABLE: 'table',
  TD: 'cell',
  TEXTAREA: 'textbox',
  TIME: 'time',
  TR: 'row',
  UL: 'list',
}

/** Roles whose name may come from their content (accname, step 2F). */
const NAME_FROM_CONTENT = new Set([
  'button',
  'cell',
  'checkbox',
  'columnheader',
  'heading',
  'link',
  'menuitem',
  'option',
  'radio',
  'row',
  'rowheader',
  'switch',
  'tab',
  'tooltip',
  'treeitem',
])

/** Elements whose text runs on with their neighbours' (no space between them). */
const INLINE = new Set([
  'A',
  'ABBR',
  'B',
  'BDI',
  'BDO',
  'CODE',
  'EM',
  'I',
  'IMG',
  'LABEL',
  'MARK',
  'Q',
  'S',
  'SMALL',
  'SPAN',
  'STRONG',
  'SUB',
  'SUP',
  'TIME',
  'U',
])

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim()

/** The element's parent, or the host of its shadow root. */
function parentOf(el: Element): Element | null {
  return el.parentElement ?? ((el.getRootNode() as Partial<ShadowRoot>).host || null)
}

/** Hidden from assistive technology, by the element itself or an ancestor. */
export function isHidden(el: Element): boolean {
  for (let node: Element | null = el; node; node = parentOf(node)) {
    if (node.hasAttribute('hidden') || node.getAttribute('aria-hidden') === 'true') return true
    if ((node as HTMLElement).style?.display === 'none') return true
  }
  return false
}

/** The explicit role, else the implicit one of the element's tag. */
export function roleOf(el: Element): string | undefined {
  const explicit = el.getAttribute('role')?.trim().split(/\s+/)[0]
  if (explicit) return explicit
  const tag = el.tagName
  if (tag === 'INPUT') {
    const type = (el.getAttribute('type') ?? 'text').toLowerCase()
    return type in INPUT_ROLES ? INPUT_ROLES[type] : type === 'hidden' ? undefined : 'textbox'
  }
  if (tag === 'SELECT') {
    const select = el as HTMLSelectElement
    return select.multiple || select.size > 1 ? 'listbox' : 'combobox'
  }
  if (tag === 'A' || tag === 'AREA') return el.hasAttribute('href') ? 'link' : undefined
  if (/^H[1-6]$/.test(tag)) return 'heading'
  if (tag === 'IMG') return el.getAttribute('alt') === '' ? 'presentation' : 'img'
  // A form or a section is a landmark only when it has a name.
  if (tag === 'FORM') return labelled(el) ? 'form' : undefined
  if (tag === 'SECTION') return labelled(el) ? 'region' : undefined
  // A page's header is its banner; one inside a section, an article or main is not.
  if (tag === 'HEADER') return inSection(el) ? undefined : 'banner'
  // A header cell heads its row (scope=row) or its column (scope=col, or in <thead>).
  if (tag === 'TH') {
    const scope = el.getAttribute('scope')
    if (scope === 'row') return 'rowheader'
    return scope === 'col' || el.closest('thead') ? 'columnheader' : 'rowheader'
  }
  return TAG_ROLES[tag]
}

function inSection(el: Element): boolean {
  for (let node = parentOf(el); node; node = parentOf(node)) {
    if (/^(ARTICLE|ASIDE|MAIN|NAV|SECTION)$/.test(node.tagName)) return true
    if (/^(article|complementary|main|navigation|region)$/.test(node.getAttribute('role') ?? '')) {
      return true
    }
  }
  return false
}

/** The name from aria-labelledby or aria-label, if any. */
function labelled(el: Element): string {
  const ids = el.getAttribute('aria-labelledby')?.trim()
  if (ids) {
    const root = el.getRootNode() as Document | ShadowRoot
    const text = ids
      .split(/\s+/)
      .map((id) => root.getElementById(id))
      .map((ref) => (ref ? nameOf(ref, true) : ''))
      .join(' ')
    if (collapse(text)) return collapse(text)
  }
  return collapse(el.getAttribute('aria-label') ?? '')
}

/** Labels of a form control: `<label for>` in the same root, and a wrapping label. */
function labelsOf(el: Element): Element[] {
  if (!/^(INPUT|TEXTAREA|SELECT|BUTTON|OUTPUT|METER|PROGRESS)$/.test(el.tagName)) return []
  const root = el.getRootNode() as Document | ShadowRoot
  const labels = el.id
    ? [...root.querySelectorAll('label')].filter((label) => label.htmlFor === el.id)
    : []
  const wrapping = el.closest('label')
  if (wrapping && !labels.includes(wrapping)) labels.push(wrapping)
  return labels
}

/** Text of the element's content, as its name from content (accname 2F). */
function textOf(node: Node): string {
  let text = ''
  const children =
    node instanceof Element && node.shadowRoot ? node.shadowRoot.childNodes : node.childNodes
  for (const child of children) {
    if (child.nodeType === 3) text += child.textContent ?? ''
    else if (child instanceof Element) {
      if (isHidden(child) || /^(STYLE|SCRIPT|TEMPLATE)$/.test(child.tagName)) continue
      const part = nameOf(child, true)
      text += INLINE.has(child.tagName) ? part : ` ${part} `
    }
  }
  return text
}

function nameOf(el: Element, inContent: boolean): string {
  const own = labelled(el)
  if (own) return own
  // A control inside a name reads as its value, if it has one to read.
  if (inContent && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)) {
    return roleOf(el) === 'textbox' || el.tagName === 'SELECT' ? (el as HTMLInputElement).value : ''
  }
  const labels = inContent ? [] : labelsOf(el)
  if (labels.length > 0) {
    const text = collapse(labels.map((label) => textOf(label)).join(' '))
    if (text) return text
  }
  if (el.tagName === 'FIELDSET') {
    const legend = [...el.children].find((child) => child.tagName === 'LEGEND')
    if (legend) return collapse(textOf(legend))
  }
  if (el.tagName === 'IMG') return el.getAttribute('alt') ?? ''
  if (el.tagName === 'TABLE') {
    const caption = [...el.children].find((child) => child.tagName === 'CAPTION')
    if (caption) return collapse(textOf(caption))
  }
  const role = roleOf(el)
  if (inContent || (role && NAME_FROM_CONTENT.has(role))) {
    const text = collapse(textOf(el))
    if (text) return text
  }
  return el.getAttribute('title') ?? ''
}

/** The accessible name, whitespace collapsed. */
export function accessibleName(el: Element): string {
  return collapse(nameOf(el, false))
}

/** The text a person reads in the element, shadow trees included, hidden parts left out. */
export function deepText(el: Element | ShadowRoot): string {
  let text = ''
  const children = el instanceof Element && el.shadowRoot ? el.shadowRoot.childNodes : el.childNodes
  for (const child of children) {
    if (child.nodeType === 3) text += child.textContent ?? ''
    else if (
      child instanceof Element &&
      !isHidden(child) &&
      !/^(STYLE|SCRIPT|TEMPLATE)$/.test(child.tagName)
    ) {
      text += INLINE.has(child.tagName) ? deepText(child) : ` ${deepText(child)} `
    }
  }
  return collapse(text)
}

/** The text of the elements `aria-describedby` points at, in the element's own root. */
export function accessibleDescription(el: Element): string {
  const root = el.getRootNode() as Document | ShadowRoot
  const ids = el.getAttribute('aria-describedby')?.trim().split(/\s+/) ?? []
  return collapse(
    ids
      .map((id) => root.getElementById(id))
      .map((ref) => (ref ? textOf(ref) : ''))
      .join(' '),
  )
}

/** Every element under `root` in tree order, shadow trees included (before light children). */
function* descendants(root: Root): Generator<Element> {
  if (root instanceof Element && root.shadowRoot) yield* descendants(root.shadowRoot)
  for (const child of root.children) {
    yield child
    yield* descendants(child)
  }
}

function levelOf(el: Element): number | undefined {
  const aria = el.getAttribute('aria-level')
  if (aria) return Number(aria)
  const match = /^H([1-6])$/.exec(el.tagName)
  return match ? Number(match[1]) : undefined
}

function matches(el: Element, role: Role, options: RoleOptions): boolean {
  if (roleOf(el) !== role) return false
  if (!options.hidden && isHidden(el)) return false
  if (options.level !== undefined && levelOf(el) !== options.level) return false
  const { name } = options
  if (name === undefined) return true
  const actual = accessibleName(el)
  return typeof name === 'string' ? actual === collapse(name) : name.test(actual)
}

const describe = (role: Role, options: RoleOptions) =>
  `role "${role}"${options.name === undefined ? '' : ` and name ${JSON.stringify(String(options.name))}`}`

/** What a person could find under `root`, for failure messages. */
function inventory(root: Root): string {
  const found: string[] = []
  for (const el of descendants(root)) {
    const role = roleOf(el)
    if (role && role !== 'presentation' && !isHidden(el)) {
      found.push(`  ${role} ${JSON.stringify(accessibleName(el))}`)
    }
  }
  return found.join('\n') || '  (nothing)'
}

/** Every element with the role (and name) under `root`, in tree order. */
export function queryAllByRole<E extends HTMLElement = HTMLElement>(
  root: Root,
  role: Role,
  options: RoleOptions = {},
): E[] {
  return [...descendants(root)].filter((el) => matches(el, role, options)) as E[]
}

/** Like {@link queryAllByRole}, but at least one must be there. */
export function getAllByRole<E extends HTMLElement = HTMLElement>(
  root: Root,
  role: Role,
  options: RoleOptions = {},
): E[] {
  const found = queryAllByRole<E>(root, role, options)
  if (found.length === 0) {
    throw new Error(`No element with ${describe(role, options)}. There are:\n${inventory(root)}`)
  }
  return found
}

/** The one element with the role (and name), or null; more than one is an error. */
export function queryByRole<E extends HTMLElement = HTMLElement>(
  root: Root,
  role: Role,
  options: RoleOptions = {},
): E | null {
  const found = queryAllByRole<E>(root, role, options)
  if (found.length > 1) {
    throw new Error(`${found.length} elements with ${describe(role, options)}`)
  }
  return found[0] ?? null
}

/**
 * The one form control labelled `name` (`<label>`, aria-label or aria-labelledby),
 * for controls without a role to ask for, such as a password field.
 */
export function getByLabel<E extends HTMLElement = HTMLInputElement>(root: Root, name: string): E {
  const found = [...descendants(root)].filter(
    (el) =>
      /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) && !isHidden(el) && accessibleName(el) === name,
  )
  if (found.length !== 1) {
    throw new Error(`${found.length} controls labelled ${JSON.stringify(name)}`)
  }
  return found[0] as E
}

/** The one element with the role (and name); none or more than one is an error. */
export function getByRole<E extends HTMLElement = HTMLElement>(
  root: Root,
  role: Role,
  options: RoleOptions = {},
): E {
  const found = queryByRole<E>(root, role, options)
  if (!found) {
    throw new Error(`No element with ${describe(role, options)}. There are:\n${inventory(root)}`)
  }
  return found
}
