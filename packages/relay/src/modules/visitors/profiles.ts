import type { VisitorStore } from './store.ts'

/**
 * Visitor profiles, consents and profile-frame acks, for the other modules: conversation
 * summaries read contacts, forms write in the caller's transaction.
 */
export type VisitorProfiles = Pick<
  VisitorStore,
  | 'get'
  | 'contacts'
  | 'applyPatch'
  | 'addConsent'
  | 'listConsents'
  | 'findFrameAck'
  | 'addFrameAck'
  | 'page'
  | 'recordVisit'
  | 'visits'
>
