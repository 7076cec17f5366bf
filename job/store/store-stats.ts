import { BroadcastChannel, isMainThread } from 'node:worker_threads';
import type { StoreStats } from './object-store';

/** Why a request was retried. */
export type RetryKind = 'throttle' | 'server' | 'network' | 'timeout';

/** Counters of one store (or client): requests, retries by kind, bytes. */
export class StoreCounters {
  requests = 0;
  readonly retries: Record<RetryKind, number> = { throttle: 0, server: 0, network: 0, timeout: 0 };
  /** Retries refused because the run's budget was spent. */
  budgetExhausted = 0;
  bytesIn = 0;
  bytesOut = 0;
  private listeners: ((delta: StoreStats) => void)[] = [];

  get retriesTotal(): number {
    const r = this.retries;
    return r.throttle + r.server + r.network + r.timeout;
  }

  /** Calls `listener` with every change (used to forward worker-thread counters). */
  onChange(listener: (delta: StoreStats) => void): void {
    this.listeners.push(listener);
  }

  private emit(delta: {
    requests?: number;
    retries?: Partial<Record<RetryKind, number>>;
    bytesIn?: number;
    bytesOut?: number;
  }): void {
    if (this.listeners.length === 0) return;
    const full: StoreStats = {
      requests: delta.requests ?? 0,
      retries: { throttle: 0, server: 0, network: 0, timeout: 0, ...delta.retries },
      bytesIn: delta.bytesIn ?? 0,
      bytesOut: delta.bytesOut ?? 0,
    };
    for (const listener of this.listeners) listener(full);
  }

  request(): void {
    this.requests++;
    this.emit({ requests: 1 });
  }

  retry(kind: RetryKind): void {
    this.retries[kind]++;
    this.emit({ retries: { [kind]: 1 } });
  }

  received(bytes: number): void {
    this.bytesIn += bytes;
    this.emit({ bytesIn: bytes });
  }

  sent(bytes: number): void {
    this.bytesOut += bytes;
    this.emit({ bytesOut: bytes });
  }

  /** Adds counters reported from elsewhere (a worker thread's store over the same location). */
  add(delta: StoreStats): void {
    this.requests += delta.requests;
    this.bytesIn += delta.bytesIn;
    this.bytesOut += delta.bytesOut;
    for (const kind of Object.keys(this.retries) as RetryKind[]) this.retries[kind] += delta.retries[kind] ?? 0;
  }

  snapshot(): StoreStats {
    return {
      requests: this.requests,
      retries: { ...this.retries },
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
    };
  }
}

/** A store whose counters can be shared across threads. */
interface SharingStore {
  readonly location: string;
  addStats(delta: StoreStats): void;
}

// Worker threads (job/pipeline/chunk-pool.ts) open their own store over the same `--source`: their counters
// are forwarded on a BroadcastChannel and added to the main thread's open store with that location,
// so the run's statistics include every request and byte whatever thread made it.
const STATS_CHANNEL = 'cdr-summary:store-stats';
const openStores = new Set<SharingStore>();
let channel: BroadcastChannel | undefined;

function statsChannel(): BroadcastChannel {
  if (!channel) {
    channel = new BroadcastChannel(STATS_CHANNEL);
    (channel as BroadcastChannel & { unref?: () => void }).unref?.();
    if (isMainThread) {
      channel.onmessage = (event) => {
        const { location, delta } = (event as MessageEvent).data as { location: string; delta: StoreStats };
        for (const store of openStores) {
          if (store.location === location) {
            store.addStats(delta);
            break;
          }
        }
      };
    }
  }
  return channel;
}

/**
 * Main thread: receives the counters of worker-thread stores with the same location. Worker thread:
 * forwards the counters' changes, coalesced to one message per event-loop turn.
 */
export function shareStats(store: SharingStore, counters: StoreCounters): void {
  if (isMainThread) {
    openStores.add(store);
    statsChannel();
    return;
  }
  let pending: { requests: number; bytesIn: number; bytesOut: number; retries: Record<RetryKind, number> } | undefined;
  counters.onChange((delta) => {
    if (pending === undefined) {
      pending = { ...delta, retries: { ...delta.retries } };
      setImmediate(() => {
        statsChannel().postMessage({ location: store.location, delta: pending });
        pending = undefined;
      });
      return;
    }
    pending.requests += delta.requests;
    pending.bytesIn += delta.bytesIn;
    pending.bytesOut += delta.bytesOut;
    for (const kind of Object.keys(pending.retries) as RetryKind[]) pending.retries[kind] += delta.retries[kind];
  });
}

/** Stops receiving for a closed store. */
export function unshareStats(store: SharingStore): void {
  openStores.delete(store);
}
