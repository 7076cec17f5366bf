/**
 * Writes many small objects with bounded concurrency. On a LocalStore it writes the files directly
 * (one mkdir per new folder, no temp file + rename per object: a generated tree is fresh output, not
 * something a reader watches), which is several times faster than ObjectStore.write; on any other
 * store (S3) it uses ObjectStore.write.
 */

import { promises as fs, writeFile } from 'node:fs';
import path from 'node:path';
import { LocalStore } from '../store/local';
import type { ObjectStore } from '../store/object-store';

/** Accepts objects, keeping at most `concurrency` writes in flight. */
export class ObjectSink {
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];
  private failed = false;
  private failure: unknown;
  private readonly folders = new Map<string, Promise<unknown>>();
  private readonly root: string | undefined;
  /** Objects written so far. */
  written = 0;
  /** Bytes written so far. */
  bytes = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly concurrency = 64,
  ) {
    this.root = store instanceof LocalStore ? store.location : undefined;
  }

  /** Queues one object; resolves once it is in flight (waits while `concurrency` writes are). */
  async put(key: string, body: string): Promise<void> {
    while (this.inFlight >= this.concurrency) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.throwIfFailed();
    this.inFlight++;
    this.writeOne(key, body).then(
      () => {
        this.written++;
        this.bytes += Buffer.byteLength(body);
        this.release();
      },
      (error: unknown) => {
        if (!this.failed) {
          this.failed = true;
          this.failure = error;
        }
        this.release();
      },
    );
  }

  /** Waits for every queued write; throws the first write error. */
  async flush(): Promise<void> {
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.throwIfFailed();
  }

  private release(): void {
    this.inFlight--;
    // Wake everyone: put() callers re-check the bound, flush() re-checks for zero.
    const waiting = this.waiters.splice(0);
    for (const wake of waiting) wake();
  }

  private throwIfFailed(): void {
    if (this.failed) throw this.failure;
  }

  private async writeOne(key: string, body: string): Promise<void> {
    if (this.root === undefined) return this.store.write(key, body, 'application/json');
    const file = path.join(this.root, key);
    const dir = path.dirname(file);
    let ready = this.folders.get(dir);
    if (ready === undefined) {
      ready = fs.mkdir(dir, { recursive: true });
      this.folders.set(dir, ready);
    }
    await ready;
    // The callback API skips the FileHandle/promise layers of fs.promises.writeFile.
    await new Promise<void>((resolve, reject) => writeFile(file, body, (error) => (error ? reject(error) : resolve())));
  }
}
