import type { CompletedRecord } from './record';

/**
 * Completed records kept in a warm container's memory, least recently used evicted first.
 * Only completed records are cached: they never change until they expire.
 */
export class LocalCache {
  private readonly records = new Map<string, CompletedRecord>();

  constructor(private readonly maxEntries: number) {}

  /** The cached record, unless absent or past its `expiration` (then it is dropped). */
  get(id: string, now: number): CompletedRecord | undefined {
    const record = this.records.get(id);
    if (!record) return undefined;
    this.records.delete(id);
    if (record.expiration < Math.floor(now / 1000)) return undefined;
    this.records.set(id, record); // re-insert: Map order is the recency order
    return record;
  }

  set(record: CompletedRecord): void {
    if (this.maxEntries === 0) return;
    this.records.delete(record.id);
    this.records.set(record.id, record);
    if (this.records.size > this.maxEntries) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
  }
}
