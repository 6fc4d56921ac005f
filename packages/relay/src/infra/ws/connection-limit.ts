/** Open sockets per client address, capped. */
export class ConnectionLimit {
  private readonly open = new Map<string, number>()

  constructor(private readonly max: number) {}

  /** Counts one more socket from `address`; undefined past the cap, else the release. */
  acquire(address: string): (() => void) | undefined {
    const count = this.open.get(address) ?? 0
    if (count >= this.max) return undefined
    this.open.set(address, count + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.open.get(address) ?? 1) - 1
      if (left > 0) this.open.set(address, left)
      else this.open.delete(address)
    }
  }
}
