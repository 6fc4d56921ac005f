import { type Static, Type } from '@sinclair/typebox'

/*
 * CRM connections: outbox destinations of kind `bitrix24` or `amocrm` that file each
 * `lead.created` event as a lead. Their settings (`config`) are checked against these schemas
 * when saved; credentials are write-only (`CRM_SECRET_FIELDS`: never returned once saved).
 * The field tables say which CRM field gets what; the relay's connectors fill exactly these
 * fields and the console shows the tables.
 */

/** The kinds of CRM destination. */
export const CRM_KINDS = ['bitrix24', 'amocrm'] as const
export type CrmKind = (typeof CRM_KINDS)[number]

/** Every kind an outbox endpoint can be: a signed webhook or a CRM. */
export const DESTINATION_KINDS = ['webhook', ...CRM_KINDS] as const
export type DestinationKindName = (typeof DESTINATION_KINDS)[number]

/** A Bitrix24 portal's incoming webhook, and how its leads are filed. */
export const Bitrix24Config = Type.Object(
  {
    webhookUrl: Type.String({
      pattern: '^https?://[^/\\s]+/rest/\\d+/[^/\\s]+/?$',
      maxLength: 2048,
      description:
        'The incoming webhook (Developer resources → Other → Incoming webhook, scope crm): `https://<portal>/rest/<user>/<code>/`. A credential: never returned once saved.',
    }),
    sourceId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 50,
        description:
          "The lead's source (`SOURCE_ID`, a status id of the SOURCE list); default `WEB`",
      }),
    ),
    assignedById: Type.Optional(
      Type.Integer({ minimum: 1, description: 'The responsible user (`ASSIGNED_BY_ID`)' }),
    ),
  },
  { additionalProperties: false },
)
export type Bitrix24Config = Static<typeof Bitrix24Config>

/** An amoCRM account (private integration with a long-lived token) and where its leads go. */
export const AmoCrmConfig = Type.Object(
  {
    baseUrl: Type.String({
      pattern: '^https?://[^/\\s]+/?$',
      maxLength: 255,
      description: 'The account address: `https://<subdomain>.amocrm.ru` (or `.kommo.com`)',
    }),
    accessToken: Type.String({
      minLength: 1,
      maxLength: 4096,
      description:
        'A long-lived token of a private integration (Settings → Integrations → Keys). A credential: never returned once saved.',
    }),
    pipelineId: Type.Integer({ minimum: 1, description: 'The pipeline new leads go to' }),
    statusId: Type.Integer({ minimum: 1, description: 'Their stage in that pipeline' }),
    responsibleUserId: Type.Optional(
      Type.Integer({ minimum: 1, description: 'The responsible user' }),
    ),
  },
  { additionalProperties: false },
)
export type AmoCrmConfig = Static<typeof AmoCrmConfig>

/** Each CRM kind's settings schema. */
export const CRM_CONFIG_SCHEMAS = { bitrix24: Bitrix24Config, amocrm: AmoCrmConfig } as const

/** The config keys that hold credentials: accepted, kept, never shown again. */
export const CRM_SECRET_FIELDS: Record<CrmKind, readonly string[]> = {
  bitrix24: ['webhookUrl'],
  amocrm: ['accessToken'],
}

/** One row of a field mapping: the CRM's field as its API names it, and what Parley puts there. */
export interface CrmFieldRow {
  field: string
  source: string
}

/** What `crm.lead.add` gets, field by field. */
export const BITRIX24_FIELD_ROWS = [
  {
    field: 'TITLE',
    source: 'Lead kind and the visitor\'s name, e.g. "Callback request: Anna (+79161234567)"',
  },
  { field: 'NAME', source: "The visitor's name" },
  { field: 'PHONE', source: 'The phone (E.164), type WORK' },
  { field: 'EMAIL', source: 'The email, type WORK' },
  { field: 'SOURCE_ID', source: 'Settings: source (default WEB)' },
  { field: 'SOURCE_DESCRIPTION', source: 'Parley, the lead kind and the site' },
  {
    field: 'COMMENTS',
    source: 'The message, the callback time, the page, the console link and the transcript',
  },
  { field: 'ASSIGNED_BY_ID', source: 'Settings: responsible user (optional)' },
] as const satisfies readonly CrmFieldRow[]

/**
 * What `POST /api/v4/leads/complex` and the lead's note get. `contact.*` rows make the embedded
 * contact, left out when the visitor's phone or email finds one the account has (then only its
 * `id` is sent).
 */
export const AMOCRM_FIELD_ROWS = [
  {
    field: 'name',
    source: 'Lead kind and the visitor\'s name, e.g. "Offline message: Boris (boris@example.com)"',
  },
  { field: 'pipeline_id', source: 'Settings: pipeline' },
  { field: 'status_id', source: 'Settings: stage' },
  { field: 'responsible_user_id', source: 'Settings: responsible user (optional)' },
  { field: '_embedded.tags', source: 'Tags "parley" and the lead kind' },
  { field: 'contact.name', source: "The visitor's name (else the phone or email)" },
  { field: 'contact.PHONE', source: 'The phone (E.164), field_code PHONE, enum WORK' },
  { field: 'contact.EMAIL', source: 'The email, field_code EMAIL, enum WORK' },
  {
    field: 'note (common)',
    source: 'The message, the callback time, the page, the console link and the transcript',
  },
] as const satisfies readonly CrmFieldRow[]

/** Each CRM kind's field table. */
export const CRM_FIELD_ROWS: Record<CrmKind, readonly CrmFieldRow[]> = {
  bitrix24: BITRIX24_FIELD_ROWS,
  amocrm: AMOCRM_FIELD_ROWS,
}
