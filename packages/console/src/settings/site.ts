import type {
  FieldError,
  OperatorProfile,
  SiteListReply,
  SiteSettings,
  UpdateSiteBody,
} from '@parley/protocol'
import { COUNTRY_CODES, isWithinWorkingHours } from '@parley/protocol/forms'
import { html, LitElement, nothing } from 'lit'
import { ConsoleError } from '../errors.ts'
import type { RestApi } from '../rest-api.ts'
import { base } from '../theme.ts'
import { messageOf } from './shared.ts'
import { sectionStyles } from './styles.ts'

type Day = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'
const DAYS: readonly { key: Day; label: string }[] = [
  { key: 'mon', label: 'Monday' },
  { key: 'tue', label: 'Tuesday' },
  { key: 'wed', label: 'Wednesday' },
  { key: 'thu', label: 'Thursday' },
  { key: 'fri', label: 'Friday' },
  { key: 'sat', label: 'Saturday' },
  { key: 'sun', label: 'Sunday' },
]

const AGREEMENT: readonly { key: keyof NonNullable<UpdateSiteBody['agreement']>; label: string }[] =
  [
    { key: 'company', label: 'Company name' },
    { key: 'inn', label: 'INN' },
    { key: 'ogrn', label: 'OGRN' },
    { key: 'legalAddress', label: 'Legal address' },
    { key: 'email', label: 'E-mail for personal-data requests' },
    { key: 'siteUrl', label: 'Site address' },
  ]

/** Every country by its English name, for the default phone country. */
function countries(): { code: string; name: string }[] {
  const names = new Intl.DisplayNames(['en'], { type: 'region' })
  return COUNTRY_CODES.map((code) => ({ code, name: names.of(code) ?? code })).sort((a, b) =>
    a.name.localeCompare(b.name, 'en'),
  )
}

/** HH:MM, and 24:00 for an end at midnight (a time input cannot hold it). */
const TIME_PATTERN = '([01][0-9]|2[0-3]):[0-5][0-9]|24:00'

/** Field names as the relay reports them, in words. */
const FIELD_NAMES: Record<string, string> = {
  name: 'Site name',
  allowedOrigins: 'Allowed origins',
  'workingHours.timeZone': 'Time zone',
  'agreement.company': 'Company name',
  'agreement.inn': 'INN',
  'agreement.ogrn': 'OGRN',
  'agreement.legalAddress': 'Legal address',
  'agreement.email': 'E-mail for personal-data requests',
  'agreement.siteUrl': 'Site address',
  'button.color': 'Button colour',
  'theme.accent': 'Accent colour',
  defaultCountry: 'Phone numbers without +',
  identitySecret: 'Identity secret',
}

const CODES: Record<string, string> = {
  required: 'is required',
  url_invalid: 'is not a valid address (https://…)',
  email_invalid: 'is not a valid e-mail',
  inn_invalid: 'is not valid (10 or 12 digits with the right check digit)',
  ogrn_invalid: 'is not valid (13 or 15 digits with the right check digit)',
  hours_invalid: 'need a start and a different end, as HH:MM (24:00 for midnight)',
  timezone_invalid: 'is not a known time zone, e.g. Europe/Moscow',
  too_long: 'is too long',
  too_many: 'has too many entries',
  country_invalid: 'is not a known country',
}

function fieldsText(fields: readonly FieldError[]): string {
  return fields
    .map((f) => {
      const day = /^workingHours\.days\.(\w+)/.exec(f.field)
      const name = day
        ? `Hours on ${DAYS.find((d) => d.key === day[1])?.label ?? day[1]}`
        : (FIELD_NAMES[f.field] ?? f.field)
      return `${name} ${CODES[f.code] ?? `is not valid (${f.code})`}`
    })
    .join('; ')
}

/**
 * `<parley-site-settings>` (admins): a site as its visitors meet it — name and language,
 * where the widget may run, the chat's title and greeting, the button, the channels the
 * omni-button offers, working hours (with whether it is open now), the pre-chat form, the
 * user agreement's details and identity verification. One form, saved at once.
 */
export class ParleySiteSettings extends LitElement {
  static override properties = {
    api: { attribute: false },
    operator: { attribute: false },
    sites: { state: true },
    siteId: { state: true },
    site: { state: true },
    hoursOn: { state: true },
    preview: { state: true },
    problem: { state: true },
    notice: { state: true },
    busy: { state: true },
  }

  static override styles = [base, sectionStyles]

  declare api: RestApi | undefined
  declare operator: OperatorProfile | undefined
  declare sites: SiteListReply['sites']
  declare siteId: string
  declare site: SiteSettings | undefined
  /** Whether the form has working hours (else the site is always open). */
  declare hoursOn: boolean
  /** The button as the form holds it now, for the live preview. */
  declare preview: { label: string; color: string; position: 'left' | 'right' } | undefined
  declare problem: string
  declare notice: string
  declare busy: boolean

  constructor() {
    super()
    this.sites = []
    this.siteId = ''
    this.hoursOn = false
    this.problem = ''
    this.notice = ''
    this.busy = false
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') && this.api) void this.#start()
  }

  override updated(changed: Map<PropertyKey, unknown>): void {
    // Options rendered by a nested template are not always selected by their attribute when
    // they join the select (happy-dom), so the select is set from the site itself.
    const country = this.renderRoot.querySelector<HTMLSelectElement>(
      'select[name="defaultCountry"]',
    )
    if (changed.has('site') && country && this.site) country.value = this.site.defaultCountry ?? ''
  }

  override render() {
    const site = this.site
    return html`
      <h2>Site</h2>
      <p class="lead">What visitors of a site see, and where the widget may run.</p>
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${
        this.sites.length > 1
          ? html`<p>
              <label class="field"
                >Site
                <select @change=${this.#pickSite}>
                  ${this.sites.map(
                    (s) =>
                      html`<option value=${s.id} ?selected=${s.id === this.siteId}>${s.name}</option>`,
                  )}
                </select>
              </label>
            </p>`
          : nothing
      }
      ${site ? this.#renderForm(site) : html`<p class="muted">Loading…</p>`}
    `
  }

  #renderForm(site: SiteSettings) {
    const hours = site.workingHours
    const preview = this.preview ?? site.button
    return html`<div class="card">
        <h3>Put the chat on your site</h3>
        <parley-embed-snippet .siteId=${site.siteId}></parley-embed-snippet>
      </div>
      <form aria-label="Site settings" @submit=${this.#save} @input=${this.#follow} @change=${this.#follow}>
      <div class="card">
        <h3>General</h3>
        <div class="fields">
          <label class="field">Site name <input name="name" required maxlength="120" .value=${site.name} /></label>
          <label class="field"
            >Widget language
            <select name="locale">
              <option value="ru" ?selected=${site.locale === 'ru'}>Russian</option>
              <option value="en" ?selected=${site.locale === 'en'}>English</option>
            </select>
          </label>
          <label class="field"
            >Remembering visitors
            <select name="storage">
              <option value="consent" ?selected=${site.storage === 'consent'}>
                Only after the visitor agrees (recommended)
              </option>
              <option value="always" ?selected=${site.storage === 'always'}>Always</option>
            </select>
          </label>
          <label class="field"
            >Phone numbers without +
            <select name="defaultCountry">
              <option value="" ?selected=${site.defaultCountry === null}>Must start with + (no country)</option>
              ${countries().map(
                (c) =>
                  html`<option value=${c.code} ?selected=${site.defaultCountry === c.code}>Read as ${c.name} numbers</option>`,
              )}
            </select>
          </label>
        </div>
        <label class="field" style="margin-top: 0.75rem; display: grid"
          >Allowed origins (one per line; empty: the relay's list)
          <textarea name="allowedOrigins" rows="3" .value=${site.allowedOrigins.join('\n')}></textarea>
        </label>
      </div>

      <div class="card">
        <h3>Chat and button</h3>
        <div class="fields">
          <label class="field">Chat title <input name="chatTitle" maxlength="120" .value=${site.chat.title} /></label>
          <label class="field"
            >Greeting <input name="chatGreeting" maxlength="1000" .value=${site.chat.greeting}
          /></label>
          <label class="field"
            >Button label <input name="buttonLabel" maxlength="60" .value=${site.button.label}
          /></label>
          <label class="field"
            >Button colour <input name="buttonColor" type="color" .value=${site.button.color}
          /></label>
          <label class="field"
            >Button side
            <select name="buttonPosition">
              <option value="right" ?selected=${site.button.position === 'right'}>Right</option>
              <option value="left" ?selected=${site.button.position === 'left'}>Left</option>
            </select>
          </label>
        </div>
        <parley-button-preview
          style="margin-top: 0.75rem"
          .label=${preview.label}
          .color=${preview.color}
          .position=${preview.position}
        ></parley-button-preview>
      </div>

      <div class="card">
        <h3>Channels</h3>
        <fieldset>
          <legend>The omni-button offers</legend>
          <label><input type="checkbox" name="chat" ?checked=${site.channels.chat} /> Online chat</label>
          <label
            ><input type="checkbox" name="callback" ?checked=${site.channels.callback} /> Callback request</label
          >
        </fieldset>
        <div class="fields" style="margin-top: 0.75rem">
          <label class="field"
            >Telegram bot username
            <input name="telegram" maxlength="64" placeholder="shop_bot" .value=${site.channels.telegram ?? ''}
          /></label>
          <label class="field"
            >VK community
            <input name="vk" maxlength="64" placeholder="club123" .value=${site.channels.vk ?? ''}
          /></label>
          <label class="field"
            >Viber bot URI <input name="viber" maxlength="64" .value=${site.channels.viber ?? ''}
          /></label>
        </div>
      </div>

      <div class="card">
        <h3>Working hours</h3>
        <label class="check"
          ><input
            type="checkbox"
            name="hoursOn"
            .checked=${this.hoursOn}
            @change=${(event: Event) => (this.hoursOn = (event.target as HTMLInputElement).checked)}
          />
          Operators answer only in working hours (outside them visitors get the offline form)</label
        >
        ${this.hoursOn ? this.#renderHours(hours) : nothing}
      </div>

      <div class="card">
        <h3>Pre-chat form</h3>
        <label class="check"
          ><input type="checkbox" name="prechat" ?checked=${site.prechat.enabled} /> Ask before the
          chat starts</label
        >
        <fieldset style="margin-top: 0.5rem">
          <legend>Fields asked</legend>
          ${(['name', 'phone', 'email'] as const).map(
            (field) => html`<label
              ><input type="checkbox" name="prechatFields" value=${field} ?checked=${site.prechat.fields.includes(field)} />
              ${{ name: 'Name', phone: 'Phone', email: 'E-mail' }[field]}</label
            >`,
          )}
        </fieldset>
      </div>

      <div class="card">
        <h3>User agreement</h3>
        <p class="muted">
          Visitors accept it before they leave contacts. Its text is made from these details;
          a change makes a new version, which visitors accept anew.
          ${
            site.agreement
              ? html`Current version <strong>${site.agreement.version}</strong>,
                  <a href=${site.agreement.url} target="_blank" rel="noopener">read it</a>.`
              : nothing
          }
        </p>
        <div class="fields">
          ${AGREEMENT.map(
            (f) => html`<label class="field"
              >${f.label}
              <input name="agreement.${f.key}" maxlength="2000" .value=${site.agreementTemplate?.[f.key] ?? ''}
            /></label>`,
          )}
        </div>
      </div>

      <div class="card">
        <h3>Identity verification</h3>
        <div class="fields">
          <label class="field"
            >Visitors identified by your site
            <select name="identityVerification">
              <option value="off" ?selected=${site.identityVerification === 'off'}>Trusted as sent</option>
              <option value="required" ?selected=${site.identityVerification === 'required'}>
                Need a valid HMAC
              </option>
            </select>
          </label>
          <label class="field"
            >${site.identitySecretSet ? 'New identity secret (a secret is set)' : 'Identity secret'}
            <input
              name="identitySecret"
              type="password"
              minlength="16"
              maxlength="256"
              autocomplete="new-password"
              placeholder=${site.identitySecretSet ? 'Leave empty to keep it' : 'At least 16 characters'}
          /></label>
        </div>
      </div>

      <button class="primary" type="submit" ?disabled=${this.busy}>Save site</button>
    </form>`
  }

  #renderHours(hours: SiteSettings['workingHours']) {
    const zone = hours?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone
    const open = hours ? isWithinWorkingHours(hours, Date.now()) : true
    return html`<p class="muted" role="status">
        ${hours ? (open ? 'Open now' : 'Closed now') : 'Not saved yet'} (${zone}).
      </p>
      <label class="field"
        >Time zone <input name="timeZone" required maxlength="64" .value=${zone} placeholder="Europe/Moscow"
      /></label>
      <table style="margin-top: 0.75rem">
        <caption class="visually-hidden">Hours by day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Open</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
          </tr>
        </thead>
        <tbody>
          ${DAYS.map((day) => {
            const span = hours
              ? hours.days[day.key]
              : day.key === 'sat' || day.key === 'sun'
                ? null
                : ['09:00', '18:00']
            return html`<tr>
              <th scope="row">${day.label}</th>
              <td><input type="checkbox" name="open.${day.key}" aria-label="Open on ${day.label}" ?checked=${span !== null} /></td>
              <td>
                <input
                  name="from.${day.key}"
                  aria-label="${day.label} from"
                  class="time"
                  inputmode="numeric"
                  pattern=${TIME_PATTERN}
                  .value=${span?.[0] ?? '09:00'}
                />
              </td>
              <td>
                <input
                  name="to.${day.key}"
                  aria-label="${day.label} to"
                  class="time"
                  inputmode="numeric"
                  pattern=${TIME_PATTERN}
                  title="HH:MM, 24:00 for midnight"
                  .value=${span?.[1] ?? '18:00'}
                />
              </td>
            </tr>`
          })}
        </tbody>
      </table>`
  }

  /** Keeps the button preview on what the form holds. */
  #follow(event: Event): void {
    const form = (event.currentTarget as HTMLFormElement) ?? undefined
    if (!form?.elements) return
    const value = (name: string) =>
      (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null)?.value ?? ''
    this.preview = {
      label: value('buttonLabel'),
      color: value('buttonColor') || '#2f6fed',
      position: value('buttonPosition') === 'left' ? 'left' : 'right',
    }
  }

  async #start(): Promise<void> {
    try {
      this.sites = (await this.api!.get<SiteListReply>('/v1/admin/sites')).sites
      this.siteId = this.sites[0]?.id ?? ''
      await this.#load()
    } catch (error) {
      this.problem = messageOf(error)
    }
  }

  async #load(): Promise<void> {
    if (!this.siteId) return
    this.site = undefined
    this.preview = undefined
    this.site = await this.api!.get<SiteSettings>(
      `/v1/admin/sites/${encodeURIComponent(this.siteId)}`,
    )
    this.hoursOn = this.site.workingHours !== null
  }

  async #pickSite(event: Event): Promise<void> {
    this.siteId = (event.target as HTMLSelectElement).value
    this.notice = ''
    this.problem = ''
    await this.#load().catch((error) => {
      this.problem = messageOf(error)
    })
  }

  #body(data: FormData): UpdateSiteBody {
    const text = (key: string) => String(data.get(key) ?? '').trim()
    const site = this.site!
    const optional = (key: string) => text(key) || undefined
    const body: UpdateSiteBody = {
      name: text('name'),
      locale: text('locale') as 'ru' | 'en',
      storage: text('storage') as 'consent' | 'always',
      defaultCountry: text('defaultCountry') || null,
      allowedOrigins: text('allowedOrigins')
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean),
      chat: { title: text('chatTitle'), greeting: text('chatGreeting') },
      button: {
        ...site.button,
        label: text('buttonLabel'),
        color: text('buttonColor'),
        position: text('buttonPosition') as 'left' | 'right',
      },
      channels: {
        chat: data.has('chat'),
        callback: data.has('callback'),
        ...(optional('telegram') && { telegram: text('telegram') }),
        ...(optional('vk') && { vk: text('vk') }),
        ...(optional('viber') && { viber: text('viber') }),
      },
      prechat: {
        enabled: data.has('prechat'),
        fields: data.getAll('prechatFields').map(String) as ('name' | 'phone' | 'email')[],
      },
      identityVerification: text('identityVerification') as 'off' | 'required',
      workingHours: this.hoursOn
        ? {
            timeZone: text('timeZone'),
            days: Object.fromEntries(
              DAYS.map((day) => [
                day.key,
                data.has(`open.${day.key}`)
                  ? [text(`from.${day.key}`), text(`to.${day.key}`)]
                  : null,
              ]),
            ) as Record<Day, [string, string] | null>,
          }
        : null,
    }
    const agreement = Object.fromEntries(
      AGREEMENT.map((f) => [f.key, text(`agreement.${f.key}`)]).filter(([, value]) => value !== ''),
    )
    body.agreement = Object.keys(agreement).length > 0 ? agreement : null
    if (text('identitySecret')) body.identitySecret = text('identitySecret')
    return body
  }

  async #save(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    if (!this.api || !this.site || this.busy) return
    const form = event.target as HTMLFormElement
    const body = this.#body(new FormData(form))
    this.busy = true
    this.problem = ''
    this.notice = ''
    try {
      this.preview = undefined
      this.site = await this.api.send<SiteSettings>(
        'PUT',
        `/v1/admin/sites/${encodeURIComponent(this.siteId)}`,
        body,
      )
      this.hoursOn = this.site.workingHours !== null
      const secret = form.querySelector<HTMLInputElement>('input[name="identitySecret"]')
      if (secret) secret.value = ''
      this.notice = `${this.site.name} is saved. Visitors get the change on their next page.`
    } catch (error) {
      this.problem =
        error instanceof ConsoleError && error.fields.length > 0
          ? `Not saved: ${fieldsText(error.fields)}.`
          : messageOf(error)
    } finally {
      this.busy = false
    }
  }
}
