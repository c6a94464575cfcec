// A Blob's bytes as a stream, gunzipped when it is gzip-compressed (.tar.gz / .tgz): the reader
// sniffs the two magic bytes rather than trusting the file name.
import { ImportError } from '../import/types';

export interface OpenOptions {
  /** Name used in error messages (defaults to the File's name). */
  fileName?: string;
  /** Called with the size of each raw (still compressed) chunk read from the blob: for progress. */
  onRawBytes?: (n: number) => void;
}

/** The same stream, reporting each chunk's size as it is read. */
function counted(
  stream: ReadableStream<Uint8Array<ArrayBuffer>>,
  onBytes: ((n: number) => void) | undefined,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  if (!onBytes) return stream;
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      const r = await reader.read();
      if (r.done) return controller.close();
      onBytes(r.value.length);
      controller.enqueue(r.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/**
 * A stream of the blob's bytes, gunzipped if it starts with the gzip magic (1f 8b).
 * Read errors, and gzip corruption or truncation, surface as ImportError(fileName, …).
 */
export function openMaybeGzip(blob: Blob, options: OpenOptions = {}): ReadableStream<Uint8Array> {
  const fileName = options.fileName ?? ((blob as Partial<File>).name || 'archive');
  let inner: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let gzip = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!inner) {
          const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
          gzip = head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
          const raw = counted(blob.stream(), options.onRawBytes);
          inner = (gzip ? raw.pipeThrough(new DecompressionStream('gzip')) : raw).getReader();
        }
        const r = await inner.read();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        controller.error(
          new ImportError(fileName, gzip ? `corrupt or truncated gzip data: ${msg}` : `could not read the file: ${msg}`),
        );
      }
    },
    async cancel(reason) {
      await inner?.cancel(reason).catch(() => undefined);
    },
  });
}
