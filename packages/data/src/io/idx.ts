import { DataFormatError } from './errors.js';
import { gunzipIfNeeded, gzipFileError, openMaybeGzip } from './gzip.js';
import { checkIdxFinite, idxElements, idxHeaderLength, parseIdxHeader, type IdxArray, type IdxExpectation, type IdxHeader } from './idx-format.js';
import { toBytes } from '../options.js';

// The body buffer starts at most this big and doubles as data arrives, up to the declared size:
// a corrupt header declaring gigabytes must not allocate them before the file runs out.
const INITIAL_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Reads an IDX file (MNIST family), raw or gzipped, streaming: the element
 * bytes are copied straight into one buffer that grows to (at most) the size
 * the header declares, and a file that is shorter or longer than that is rejected.
 */
export async function readIdx(path: string, expect: IdxExpectation = {}): Promise<IdxArray> {
  const { stream } = await openMaybeGzip(path);
  let head = Buffer.alloc(0);
  let header: IdxHeader | null = null;
  let body: Uint8Array | null = null;
  let filled = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let rest = chunk;
      if (header === null) {
        head = Buffer.concat([head, chunk]);
        if (head.length < 4 || head.length < idxHeaderLength(head)) continue;
        header = parseIdxHeader(head, path, expect);
        body = new Uint8Array(Math.min(header.dataBytes, INITIAL_BODY_BYTES));
        rest = head.subarray(header.headerBytes);
      }
      if (filled + rest.length > header.dataBytes) {
        throw new DataFormatError(path, `size mismatch: shape [${header.shape.join(', ')}] declares ${header.dataBytes} data bytes, but the file has more (trailing data)`);
      }
      if (filled + rest.length > body!.length) {
        const grown: Uint8Array = new Uint8Array(Math.min(header.dataBytes, Math.max(2 * body!.length, filled + rest.length)));
        grown.set(body!.subarray(0, filled));
        body = grown;
      }
      body!.set(rest, filled);
      filled += rest.length;
    }
  } catch (err) {
    stream.destroy();
    throw await gzipFileError(path, err);
  }
  if (header === null) {
    // Too short to even finish the header: let the parser name the problem.
    parseIdxHeader(head, path, expect);
    throw new DataFormatError(path, 'incomplete IDX header');
  }
  if (filled !== header.dataBytes) {
    throw new DataFormatError(path, `size mismatch: shape [${header.shape.join(', ')}] declares ${header.dataBytes} data bytes, file has ${filled} (truncated)`);
  }
  const data = idxElements(header.dtype, body!);
  checkIdxFinite(path, header, data);
  return { dtype: header.dtype, shape: header.shape, data };
}

/** Parses IDX bytes already in memory (gzipped or not); `name` is used in errors. */
export function parseIdx(input: Uint8Array | ArrayBuffer, name: string, expect: IdxExpectation = {}): IdxArray {
  const bytes = toBytes('parseIdx', input, 'readIdx');
  const raw = gunzipIfNeeded(bytes, name);
  const header = parseIdxHeader(raw, name, expect);
  const available = raw.length - header.headerBytes;
  if (available !== header.dataBytes) {
    const how = available < header.dataBytes ? 'truncated' : 'trailing data';
    throw new DataFormatError(name, `size mismatch: shape [${header.shape.join(', ')}] declares ${header.dataBytes} data bytes, file has ${available} (${how})`);
  }
  // Copy so the result never aliases the caller's (possibly pooled) buffer: Buffer's slice() is a
  // view, not a copy. Gunzipped bytes are already our own.
  const body = raw.subarray(header.headerBytes);
  const data = idxElements(header.dtype, raw === bytes ? new Uint8Array(body) : body);
  checkIdxFinite(name, header, data);
  return { dtype: header.dtype, shape: header.shape, data };
}
