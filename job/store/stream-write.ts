import type { Writable } from 'node:stream';

/** The error a stream failed with, or one saying it was closed, when it can take no more data. */
function unusable(stream: Writable): Error | undefined {
  if (stream.errored) return stream.errored;
  if (stream.destroyed || stream.writableEnded)
    return new Error('the output stream was closed before the write completed');
  return undefined;
}

/**
 * Resolves when `stream` emits 'drain'; rejects as soon as it emits 'error' or 'close' instead (a
 * stream destroyed with an error never drains, so waiting on 'drain' alone could hang forever).
 */
export function waitForDrain(stream: Writable): Promise<void> {
  const failed = unusable(stream);
  if (failed) return Promise.reject(failed);
  if (!stream.writableNeedDrain) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(unusable(stream) ?? new Error('the output stream was closed before the write completed'));
    };
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * Writes `chunk` and, when the stream asks for it, waits until it drains. Throws the stream's error
 * (disk full, file-size limit, a failed upload) instead of writing to, or waiting on, a failed stream.
 */
export async function writeChunk(stream: Writable, chunk: string | Uint8Array): Promise<void> {
  const failed = unusable(stream);
  if (failed) throw failed;
  if (!stream.write(chunk)) await waitForDrain(stream);
}
