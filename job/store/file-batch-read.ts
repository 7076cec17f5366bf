import { closeSync, openSync, readSync } from 'node:fs';

/** How reading one file of a batch ended. */
export const FileReadStatus = {
  Ok: 0,
  /** Larger than the cap: nothing returned. */
  TooLarge: 1,
  /** ENOENT / ENOTDIR. */
  NotFound: 2,
  /** Any other error (its code and message travel along). */
  Failed: 3,
} as const;

/** Many small files read into one buffer: file i is `bytes[starts[i], starts[i+1])` when its status is Ok. */
export interface FileBatch {
  readonly bytes: Uint8Array;
  /** n + 1 offsets into `bytes`. */
  readonly starts: Uint32Array;
  readonly statuses: Uint8Array;
  /** For Failed entries: index, error code and message. */
  readonly failures: readonly { readonly index: number; readonly code: string; readonly message: string }[];
}

let scratch = Buffer.allocUnsafe(0);
let pack = Buffer.allocUnsafe(0);

/**
 * Reads each file, at most `maxBytes` of it, with synchronous open/read/close (the cheapest way to
 * read millions of sub-kilobyte files) and packs the contents into one fresh buffer, which can be
 * transferred between threads without copying.
 */
export function readFileBatch(paths: readonly string[], maxBytes: number): FileBatch {
  if (scratch.length < maxBytes + 1) scratch = Buffer.allocUnsafe(maxBytes + 1);
  const starts = new Uint32Array(paths.length + 1);
  const statuses = new Uint8Array(paths.length);
  const failures: { index: number; code: string; message: string }[] = [];
  let used = 0;
  for (let i = 0; i < paths.length; i++) {
    starts[i] = used;
    let fd: number;
    try {
      fd = openSync(paths[i] as string, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'ENOENT' || code === 'ENOTDIR') statuses[i] = FileReadStatus.NotFound;
      else {
        statuses[i] = FileReadStatus.Failed;
        failures.push({ index: i, code, message: error instanceof Error ? error.message : String(error) });
      }
      continue;
    }
    try {
      let length = 0;
      for (;;) {
        const wanted = maxBytes + 1 - length;
        const n = readSync(fd, scratch, length, wanted, null);
        length += n;
        // A regular file returns fewer bytes than asked only at its end: no extra read returning 0.
        if (length > maxBytes || n === 0 || n < wanted) break;
      }
      if (length > maxBytes) {
        statuses[i] = FileReadStatus.TooLarge;
        continue;
      }
      if (pack.length < used + length) {
        const grown = Buffer.allocUnsafe(Math.max(2 * pack.length, used + length, 64 * 1024));
        pack.copy(grown, 0, 0, used);
        pack = grown;
      }
      scratch.copy(pack, used, 0, length);
      used += length;
    } catch (error) {
      statuses[i] = FileReadStatus.Failed;
      const code = (error as NodeJS.ErrnoException).code ?? '';
      failures.push({ index: i, code, message: error instanceof Error ? error.message : String(error) });
    } finally {
      closeSync(fd);
    }
  }
  starts[paths.length] = used;
  const bytes = new Uint8Array(used);
  bytes.set(pack.subarray(0, used));
  return { bytes, starts, statuses, failures };
}
