import type { Tx } from '../../infra/db/unit-of-work.ts'

/** A canned response as stored: personal (`ownerId`) or a group's (`groupId`), never both. */
export interface CannedRecord {
  id: string
  ownerId: string | null
  groupId: string | null
  shortcut: string
  text: string
  createdAt: number
  updatedAt: number
}

/** Canned responses. `describeCannedStore` in `contract.ts` is the suite every adapter passes. */
export interface CannedStore {
  /** The operator's own and those of the groups given, personal first, each by shortcut. */
  listFor(ownerId: string, groupIds: readonly string[]): Promise<CannedRecord[]>
  /** Every group's responses, by shortcut (admins manage them). */
  listShared(): Promise<CannedRecord[]>
  get(id: string): Promise<CannedRecord | undefined>
  /** Adds one; `false` when its owner or group already has that shortcut. */
  create(tx: Tx, record: CannedRecord): Promise<boolean>
  /** Changes shortcut and text; `false` when the new shortcut is taken (nothing changes). */
  update(
    tx: Tx,
    id: string,
    patch: { shortcut: string; text: string; at: number },
  ): Promise<boolean>
  delete(tx: Tx, id: string): Promise<void>
}
