import type { Bus, BusListener, BusMessage } from './types.ts'

/** The in-process bus: synchronous delivery to listeners in this process only. */
export class MemoryBus implements Bus {
  private readonly topics = new Map<string, Set<BusListener>>()
  private closed = false

  publish(topic: string, message: BusMessage): void {
    if (this.closed) return
    const listeners = this.topics.get(topic)
    if (!listeners) return
    for (const listener of [...listeners]) listener(message)
  }

  subscribe(topic: string, listener: BusListener): () => void {
    if (this.closed) return () => {}
    let listeners = this.topics.get(topic)
    if (!listeners) {
      listeners = new Set()
      this.topics.set(topic, listeners)
    }
    // Wrap so the same function can be subscribed twice and unsubscribed independently.
    const entry: BusListener = (message) => listener(message)
    listeners.add(entry)
    return () => {
      const current = this.topics.get(topic)
      if (!current) return
      current.delete(entry)
      if (current.size === 0) this.topics.delete(topic)
    }
  }

  /** Number of topics with at least one listener (for leak checks in tests). */
  get topicCount(): number {
    return this.topics.size
  }

  async close(): Promise<void> {
    this.closed = true
    this.topics.clear()
  }
}
