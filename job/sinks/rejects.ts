import type { Rejection } from '../cdr/record';
import type { ObjectWriter } from '../store/object-store';
import { writeChunk } from '../store/stream-write';

/** The rejects.jsonl line of one object (with its newline). */
export function rejectLine(key: string, rejection: Rejection): string {
  return `${JSON.stringify({ key, code: rejection.code, reason: rejection.reason })}\n`;
}

/** Streams one JSON line per rejected object: `{"key":…,"code":…,"reason":…}`. */
export class RejectsWriter {
  private count = 0;

  constructor(private readonly writer: ObjectWriter) {}

  /** Number of rejects written. */
  get size(): number {
    return this.count;
  }

  /** Records one rejected object. */
  async add(key: string, rejection: Rejection): Promise<void> {
    this.count++;
    await writeChunk(this.writer.stream, rejectLine(key, rejection));
  }

  /** Completes the object (an empty file when nothing was rejected). */
  async close(): Promise<void> {
    await this.writer.done();
  }

  /** Abandons the object. */
  async abort(): Promise<void> {
    await this.writer.abort();
  }
}
