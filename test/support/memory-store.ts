import { Readable, Writable } from 'node:stream';
import {
  type FolderListing,
  type ObjectEntry,
  ObjectNotFoundError,
  type ObjectStore,
  type ObjectWriter,
} from '../../job/store/object-store';

/**
 * An ObjectStore held in a Map, for unit tests of the engine (chunks, sinks) that need a store but
 * not its I/O. Integration tests use the real stores (local folder, S3 through s3rver).
 */
export class MemoryStore implements ObjectStore {
  readonly location = 'memory://';
  readonly objects = new Map<string, Buffer>();
  /** Keys in the order they were written. */
  readonly writes: string[] = [];

  constructor(initial: Readonly<Record<string, string | Uint8Array>> = {}) {
    for (const [key, body] of Object.entries(initial)) this.objects.set(key, Buffer.from(body));
  }

  async listFolder(prefix: string): Promise<FolderListing> {
    const objects: ObjectEntry[] = [];
    const folders = new Set<string>();
    for (const [key, body] of [...this.objects].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash < 0) objects.push({ key, size: body.length });
      else folders.add(`${prefix}${rest.slice(0, slash + 1)}`);
    }
    return { objects, folders: [...folders] };
  }

  async *listAll(prefix: string): AsyncIterable<ObjectEntry> {
    for (const key of [...this.objects.keys()].sort()) {
      if (key.startsWith(prefix)) yield { key, size: (this.objects.get(key) as Buffer).length };
    }
  }

  async read(key: string): Promise<Buffer> {
    const body = this.objects.get(key);
    if (!body) throw new ObjectNotFoundError(key, this.location);
    return body;
  }

  async readCapped(key: string, maxBytes: number): Promise<Buffer | undefined> {
    const body = await this.read(key);
    return body.length > maxBytes ? undefined : body;
  }

  async readStream(key: string): Promise<Readable> {
    return Readable.from([await this.read(key)]);
  }

  async write(key: string, body: string | Uint8Array): Promise<void> {
    this.objects.set(key, Buffer.from(body));
    this.writes.push(key);
  }

  openWriter(key: string): ObjectWriter {
    const chunks: Buffer[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(Buffer.from(chunk));
        callback();
      },
    });
    return {
      stream,
      done: async () => {
        stream.end();
        await new Promise<void>((resolve, reject) => stream.once('finish', resolve).once('error', reject));
        await this.write(key, Buffer.concat(chunks));
      },
      abort: async () => {
        stream.destroy();
      },
    };
  }

  async copy(from: string, to: string): Promise<void> {
    await this.write(to, await this.read(from));
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.objects.delete(key);
  }

  async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }

  async close(): Promise<void> {}
}
