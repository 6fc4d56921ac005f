import { amocrm } from './amocrm.ts'
import { bitrix24 } from './bitrix24.ts'

/** The CRM destination kinds, for the webhooks outbox to register beside its own `webhook`. */
export const CRM_DESTINATIONS = [bitrix24, amocrm] as const
