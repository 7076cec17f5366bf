import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { type FileBatch, FileReadStatus, readFileBatch } from './file-batch-read';
import { FileBatchReader } from './file-batch-reader';
import type { FolderListing, ObjectEntry, ObjectStore, ObjectWriter, StoreStats } from './object-store';
import { ObjectNotFoundError, StoreLocationError } from './object-store';
import { StoreCounters, shareStats, unshareStats } from './store-stats';

/** Batches smaller than this are read in the calling thread (a thread round trip costs more). */
const THREAD_BATCH_MIN = 64;

/** Options for `LocalStore.open`. */
export interface LocalStoreOptions {
  /** Create the folder when missing (outputs); otherwise it must exist. Default false. */
  readonly create?: boolean;
  /**
   * Read batches of small files (`readManyCapped`) on a helper thread. Default: true when the
   * machine has 2 or more cores.
   */
  readonly readThread?: boolean;
}

/** Keys that need full resolution: absolute, backslashes, NUL, empty, `.` or `..` segments. */
const UNSAFE_KEY = /^\/|\\|\0|\/\/|(^|\/)\.\.?(\/|$)/;

let tempCounter = 0;

function tempSuffix(): string {
  tempCounter += 1;
  return `.tmp-${process.pid}-${Date.now().toString(36)}-${tempCounter}`;
}

/** The pid in a temporary file's name (see `tempSuffix`). */
const TEMP_PID = /\.tmp-(\d+)-/;

/** Whether a process with this pid exists on this host. */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return hasCode(error, 'EPERM');
  }
}

function hasCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}

function contentTag(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * An ObjectStore over a local folder: keys map to files below the root. Writes go to a temporary
 * sibling file that is renamed into place, so a reader never sees a half-written object.
 */
export class LocalStore implements ObjectStore {
  readonly location: string;
  private readonly counters = new StoreCounters();

  private readonly reader: FileBatchReader | undefined;

  private constructor(
    private readonly root: string,
    readThread: boolean,
  ) {
    this.location = root;
    this.reader = readThread ? new FileBatchReader() : undefined;
    shareStats(this, this.counters);
  }

  /** Opens a folder as a store (see LocalStoreOptions). */
  static async open(root: string, options: LocalStoreOptions = {}): Promise<LocalStore> {
    const resolved = path.resolve(root);
    if (options.create) await fs.mkdir(resolved, { recursive: true });
    const stat = await fs.stat(resolved).catch(() => undefined);
    if (!stat?.isDirectory()) throw new StoreLocationError(`folder not found: ${resolved}`);
    return new LocalStore(resolved, options.readThread ?? availableParallelism() >= 2);
  }

  private pathOf(key: string): string {
    // Fast path (millions of calls): a key of plain segments maps by concatenation.
    if (key !== '' && !UNSAFE_KEY.test(key)) return `${this.root}/${key}`;
    const full = path.resolve(this.root, key);
    if (full !== this.root && !full.startsWith(this.root + path.sep)) {
      throw new StoreLocationError(`key escapes the store root: ${key}`);
    }
    return full;
  }

  async listFolder(prefix: string, options: { readonly sizes?: boolean } = {}): Promise<FolderListing> {
    const dir = this.pathOf(prefix);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error)) return { objects: [], folders: [] };
      throw error;
    }
    const objects: ObjectEntry[] = [];
    const folders: string[] = [];
    const files: string[] = [];
    for (const entry of entries) {
      if (entry.name.includes('.tmp-')) continue;
      if (entry.isDirectory()) folders.push(`${prefix}${entry.name}/`);
      else if (entry.isFile()) files.push(entry.name);
    }
    files.sort();
    folders.sort();
    if (options.sizes === false) {
      for (const name of files) objects.push({ key: `${prefix}${name}`, size: -1 });
    } else {
      const stats = await Promise.all(files.map((name) => fs.stat(path.join(dir, name))));
      files.forEach((name, i) => {
        objects.push({ key: `${prefix}${name}`, size: stats[i]?.size ?? 0 });
      });
    }
    return { objects, folders };
  }

  async *listAll(prefix: string): AsyncIterable<ObjectEntry> {
    const listing = await this.listFolder(prefix);
    // Merge files and sub-folders in key order, as S3 would list them.
    const items: { key: string; entry?: ObjectEntry }[] = [
      ...listing.objects.map((entry) => ({ key: entry.key, entry })),
      ...listing.folders.map((key) => ({ key })),
    ].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const item of items) {
      if (item.entry) yield item.entry;
      else yield* this.listAll(item.key);
    }
  }

  async read(key: string): Promise<Buffer> {
    try {
      const body = await fs.readFile(this.pathOf(key));
      this.counters.received(body.length);
      return body;
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key, this.location);
      throw error;
    }
  }

  /** One synchronous open/read/close (see `readFileBatch`). */
  async readCapped(key: string, maxBytes: number): Promise<Buffer | undefined> {
    return this.unpack([key], readFileBatch([this.pathOf(key)], maxBytes))[0];
  }

  /**
   * Reads the files into one buffer with synchronous calls, on the helper thread for batches of
   * `THREAD_BATCH_MIN` or more (so the calling thread parses the previous batch meanwhile).
   */
  async readManyCapped(keys: readonly string[], maxBytes: number): Promise<(Buffer | undefined)[]> {
    const paths = keys.map((key) => this.pathOf(key));
    const batch =
      this.reader && paths.length >= THREAD_BATCH_MIN
        ? await this.reader.read(paths, maxBytes)
        : readFileBatch(paths, maxBytes);
    return this.unpack(keys, batch);
  }

  private unpack(keys: readonly string[], batch: FileBatch): (Buffer | undefined)[] {
    const failure = batch.failures[0];
    const out: (Buffer | undefined)[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const status = batch.statuses[i];
      if (status === FileReadStatus.NotFound) throw new ObjectNotFoundError(keys[i] as string, this.location);
      if (status === FileReadStatus.Failed && failure) {
        throw Object.assign(new Error(failure.message), { code: failure.code });
      }
      if (status === FileReadStatus.TooLarge) continue;
      const start = batch.starts[i] as number;
      const end = batch.starts[i + 1] as number;
      out[i] = Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset + start, end - start);
    }
    this.counters.received(batch.bytes.length);
    return out;
  }

  async readStream(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    try {
      await fs.access(file);
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key, this.location);
      throw error;
    }
    return createReadStream(file);
  }

  async write(key: string, body: string | Uint8Array): Promise<void> {
    const file = this.pathOf(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = file + tempSuffix();
    try {
      await fs.writeFile(temp, body);
      await fs.rename(temp, file);
    } catch (error) {
      // Disk full, file-size limit, a folder gone: leave no temporary file behind.
      await fs.rm(temp, { force: true });
      throw error;
    }
    this.counters.sent(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  }

  /**
   * Streams to a temporary sibling file that `done()` renames into place. A write error (disk full,
   * file-size limit) fails the stream: writers see it (see `writeChunk`), `done()` throws it, and the
   * temporary file is removed either way.
   */
  openWriter(key: string): ObjectWriter {
    const file = this.pathOf(key);
    const temp = file + tempSuffix();
    // The directory must exist before the stream opens its file descriptor.
    mkdirSync(path.dirname(file), { recursive: true });
    const stream = createWriteStream(temp);
    // Reported by writeChunk/done(); a listener keeps an unobserved write error from crashing the process.
    stream.on('error', () => {});
    const counted = (bytes: number) => this.counters.sent(bytes);
    const removeTemp = async () => {
      if (!stream.closed) await finished(stream).catch(() => {});
      await fs.rm(temp, { force: true });
    };
    return {
      stream,
      async done() {
        try {
          if (stream.errored) throw stream.errored;
          stream.end();
          await finished(stream);
          await fs.rename(temp, file);
        } catch (error) {
          stream.destroy();
          await removeTemp();
          throw error;
        }
        counted(stream.bytesWritten);
      },
      async abort() {
        stream.destroy();
        await removeTemp();
      },
    };
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const target = this.pathOf(toKey);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temp = target + tempSuffix();
    try {
      await fs.copyFile(this.pathOf(fromKey), temp);
      await fs.rename(temp, target);
    } catch (error) {
      await fs.rm(temp, { force: true });
      if (isNotFound(error) && !(await this.exists(fromKey))) throw new ObjectNotFoundError(fromKey, this.location);
      throw error;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => fs.rm(this.pathOf(key), { force: true })));
  }

  async exists(key: string): Promise<boolean> {
    const stat = await fs.stat(this.pathOf(key)).catch(() => undefined);
    return stat?.isFile() ?? false;
  }

  /**
   * Writes a temporary file, then hard-links it to the key: the link fails (EEXIST) when the key
   * exists, and the object is complete whenever it is visible.
   */
  async createExclusive(key: string, body: string | Uint8Array): Promise<boolean> {
    const file = this.pathOf(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = file + tempSuffix();
    await fs.writeFile(temp, body);
    try {
      await fs.link(temp, file);
      this.counters.sent(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
      return true;
    } catch (error) {
      if (hasCode(error, 'EEXIST')) return false;
      throw error;
    } finally {
      await fs.rm(temp, { force: true });
    }
  }

  /** The tag is the SHA-256 of the content. */
  async readTagged(key: string): Promise<{ body: Buffer; tag: string }> {
    const body = await this.read(key);
    return { body, tag: contentTag(body) };
  }

  /**
   * Renames the file aside (only one process can), then checks it is the expected version; a file
   * that changed in between is linked back (unless the key was recreated meanwhile).
   */
  async deleteTagged(key: string, tag: string): Promise<boolean> {
    const file = this.pathOf(key);
    const aside = file + tempSuffix();
    try {
      await fs.rename(file, aside);
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
    try {
      if (contentTag(await fs.readFile(aside)) === tag) return true;
      await fs.link(aside, file).catch(() => {});
      return false;
    } finally {
      await fs.rm(aside, { force: true });
    }
  }

  /**
   * Deletes `*.tmp-<pid>-…` files in these folders and below whose pid is not a running process on
   * this host (the folder is assumed to be written from this host only). A live process's files are kept.
   */
  async removeDeadTemporaryFiles(folders: readonly string[]): Promise<number> {
    let removed = 0;
    for (const folder of folders) {
      const dir = this.pathOf(folder);
      const names = await fs.readdir(dir, { recursive: true }).catch(() => [] as string[]);
      for (const name of names) {
        const pid = Number(TEMP_PID.exec(path.basename(name))?.[1]);
        if (!(pid > 0) || pid === process.pid || processExists(pid)) continue;
        await fs.rm(path.join(dir, name), { force: true, recursive: true });
        removed++;
      }
    }
    return removed;
  }

  async removeEmptyFolders(prefix: string): Promise<void> {
    const top = this.pathOf(prefix);
    const names = await fs.readdir(top, { recursive: true, withFileTypes: true }).catch(() => []);
    const folders = names
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(entry.parentPath, entry.name));
    // Deepest first, so a folder holding only empty folders is empty by the time its turn comes.
    folders.sort((a, b) => b.length - a.length);
    for (const folder of [...folders, top]) {
      await fs.rmdir(folder).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOTEMPTY' && error.code !== 'ENOENT' && error.code !== 'EEXIST') throw error;
      });
    }
  }

  /** Bytes read and written; a local store makes no requests and never retries. */
  stats(): StoreStats {
    return this.counters.snapshot();
  }

  /** Adds counters of another store over the same folder (a worker thread's). */
  addStats(delta: StoreStats): void {
    this.counters.add(delta);
  }

  async close(): Promise<void> {
    await this.reader?.close();
    unshareStats(this);
  }
}
