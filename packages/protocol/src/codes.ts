import type { FieldError } from './forms/fields.ts'

/**
 * Every error the relay can put on the wire, with the HTTP status it maps to
 * when it travels over REST. Codes are stable: clients branch on them.
 */
export const ERROR_CODES = {
  bad_json: { status: 400, message: 'Frame is not valid JSON' },
  bad_frame: { status: 400, message: 'Frame does not match the protocol schema' },
  unknown_frame: { status: 400, message: 'Unknown frame type' },
  frame_too_large: { status: 413, message: 'Frame is larger than the relay accepts' },
  text_too_long: { status: 400, message: 'Message text is longer than the relay accepts' },
  text_empty: { status: 400, message: 'Message text is empty' },
  hello_required: { status: 400, message: 'The first frame must be hello' },
  hello_repeated: { status: 400, message: 'hello was already received on this socket' },
  hello_timeout: { status: 408, message: 'No hello in time; the socket is closed' },
  idle_timeout: {
    status: 408,
    message: 'Nothing heard from the client in time; the socket is closed',
  },
  too_many_connections: {
    status: 429,
    message: 'Too many open sockets from this address; close some and reconnect later',
  },
  unsupported_version: { status: 400, message: 'Protocol version is not supported by this relay' },
  token_invalid: { status: 401, message: 'Visitor token is forged, expired or for another site' },
  unauthorized: { status: 401, message: 'Log in or pass a valid API token' },
  forbidden: { status: 403, message: 'Not allowed' },
  origin_not_allowed: { status: 403, message: 'This page origin is not allowed for the site' },
  site_not_found: { status: 404, message: 'No site with this id' },
  employee_not_found: { status: 404, message: 'No employee with this id' },
  scenario_not_found: { status: 404, message: 'No scenario with this id for the site' },
  token_not_found: { status: 404, message: 'No API token with this id' },
  conversation_not_found: { status: 404, message: 'No such conversation for this participant' },
  conversation_closed: { status: 409, message: 'The conversation is closed' },
  not_a_lead: {
    status: 409,
    message: 'Only callback requests and offline leads have a lead status',
  },
  group_not_found: { status: 404, message: 'No group with this id' },
  canned_not_found: { status: 404, message: 'No canned response with this id for you' },
  shortcut_taken: {
    status: 409,
    message: 'This shortcut is already used by another response of yours or of this group',
  },
  visitor_not_found: { status: 404, message: 'Nothing is held about this visitor of the site' },
  visitor_offline: {
    status: 409,
    message: 'The visitor has no widget connected now; only a visitor on the site can be invited',
  },
  visitor_chatting: {
    status: 409,
    message: 'The visitor already has an open chat; answer them there',
  },
  consent_not_found: { status: 404, message: 'No consent with this id' },
  agreement_not_found: {
    status: 404,
    message: 'No agreement text is kept for this site and version',
  },
  already_assigned: { status: 409, message: 'Another operator already has this conversation' },
  operator_full: {
    status: 409,
    message: 'The operator has as many conversations as their capacity allows',
  },
  operator_unavailable: {
    status: 409,
    message: 'The operator is away or offline (or paused, for a new conversation)',
  },
  not_member: { status: 409, message: 'The operator is not a member of that group' },
  group_not_empty: {
    status: 409,
    message: 'The group still has open conversations; transfer or close them first',
  },
  default_group: { status: 409, message: "A site's default group cannot be deleted" },
  too_many_conversations: {
    status: 429,
    message: 'Too many open conversations; wait for an operator to answer or close one',
  },
  rate_limited: { status: 429, message: 'Too many frames; slow down' },
  bad_request: { status: 400, message: 'Request does not match the API schema' },
  invalid_credentials: { status: 401, message: 'Wrong email or password' },
  email_taken: { status: 409, message: 'An employee with this email already exists' },
  seat_limit_reached: {
    status: 409,
    message: 'Every seat is taken (PARLEY_SEATS); deactivate someone or raise the limit',
  },
  last_admin: {
    status: 409,
    message: 'At least one active admin must remain; make someone else an admin first',
  },
  password_link_invalid: {
    status: 400,
    message: 'This password link is unknown, used or expired; ask an admin for a new one',
  },
  photo_invalid: { status: 400, message: 'The photo must be a PNG, JPEG or WebP image' },
  photo_too_large: { status: 413, message: 'The photo must be at most 1 MB' },
  consent_required: {
    status: 409,
    message: 'Personal data needs consent to the current version of the site agreement',
  },
  field_invalid: { status: 400, message: 'Some fields are invalid; see fields' },
  identity_unverified: { status: 403, message: 'identify needs a valid hash for this site' },
  conversation_open: { status: 409, message: 'Only a closed conversation can be rated' },
  search_query_invalid: {
    status: 400,
    message: 'The search needs one to ten words of letters or digits',
  },
  cursor_invalid: {
    status: 400,
    message: 'This cursor is not one the relay gave; start again without it',
  },
  webhook_not_found: { status: 404, message: 'No webhook endpoint with this id' },
  webhook_delivery_not_found: { status: 404, message: 'No delivery with this id for the endpoint' },
  webhook_url_private: {
    status: 400,
    message:
      'The URL resolves to a loopback, private, link-local or other non-public address; allow private networks in the relay configuration to use it',
  },
  webhook_url_unresolvable: { status: 400, message: "The URL's host does not resolve" },
  period_invalid: {
    status: 400,
    message: 'The period must be real dates with from before to, at most 366 days long',
  },
  contact_point_not_found: { status: 404, message: 'No contact point with this id' },
  channel_secret_key_missing: {
    status: 503,
    message:
      'The relay has no PARLEY_SECRET_KEY (64 hex digits) to encrypt channel credentials with; set it and restart',
  },
  channel_update_forbidden: {
    status: 403,
    message: "The update's secret token or signature is missing or wrong",
  },
  attachment_not_found: { status: 404, message: 'No attachment with this id' },
  attachment_too_large: {
    status: 413,
    message: 'The file is larger than the relay accepts (PARLEY_ATTACHMENT_MAX_BYTES)',
  },
  attachment_type_refused: {
    status: 415,
    message:
      'Only JPEG, PNG, WebP and GIF images, PDF, office documents and plain text or CSV files are accepted',
  },
  attachment_channel_unsupported: {
    status: 409,
    message:
      "This conversation's channel cannot carry files; only Telegram and VK chats get photos",
  },
  attachment_unavailable: {
    status: 503,
    message: "The messenger's file could not be fetched yet; send the update again later",
  },
  shutting_down: { status: 503, message: 'The relay is shutting down' },
  internal: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { status: number; message: string }>

/** A stable error code, as sent in `error` frames and REST error bodies. */
export type ErrorCode = keyof typeof ERROR_CODES

/** Body of every REST error response. */
export interface ErrorBody {
  code: ErrorCode
  message: string
  /** With `field_invalid`: each failed field (`phone`, `agreement.inn`) and its code. */
  fields?: FieldError[]
}

/**
 * WebSocket close codes the relay uses (4000–4999 is the application range).
 * Clients must not reconnect after `4001` (auth) and `4003` (forbidden origin)
 * without changing something first.
 */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  tooBig: 1009,
  badHello: 4000,
  unauthorized: 4001,
  forbidden: 4003,
  heartbeat: 4008,
  /** Too many sockets from one address: reconnect later (1013 "try again later"). */
  tryAgainLater: 1013,
} as const
