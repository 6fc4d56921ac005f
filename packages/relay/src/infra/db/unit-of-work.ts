/**
 * A write transaction. Every store method that writes takes one, so writes that must be
 * atomic across modules (an event, its consent, the visitor's profile, a conversion) share
 * it. Opaque outside the storage adapters: a module never asks what is inside.
 */
export interface Tx {
  readonly __tx: unique symbol
}

/** The storage engine as the modules see it: transactions, and closing. */
export interface UnitOfWork {
  /**
   * Runs `work` in one transaction: all of its writes commit together, or none does
   * (it rejects with `work`'s error). Resolves once the commit is durable. Never call it
   * from inside `work`.
   */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>
  /** Finishes the transactions already asked for, then releases the database. */
  close(): Promise<void>
}
