import { checkOptionalFunction } from '../options.js';
import { pipeline } from 'node:stream';
import * as tar from 'tar-stream';
import { DataFormatError, errorCode } from './errors.js';
import { gzipFileError, openMaybeGzip } from './gzip.js';
import { decodeText, type TextEncodingName } from './text-decode.js';

export interface ArchiveFile {
  /** Path inside the archive, without a leading "./". */
  path: string;
  bytes: Buffer;
}

export interface ArchiveTextFile {
  path: string;
  text: string;
  encoding: TextEncodingName;
}

export type ArchivePathFilter = (path: string) => boolean;

/**
 * Streams the regular files of a `.tar.gz` (or plain `.tar`) archive without
 * extracting it: bytes flow file → gunzip → tar parser, and only entries the
 * filter accepts are buffered, one at a time.
 */
export async function* iterateTarGz(path: string, filter?: ArchivePathFilter): AsyncGenerator<ArchiveFile> {
  // Checked before reading: inside the loop the TypeError was reported as a corrupt archive.
  checkOptionalFunction('iterateTarGz', 'filter', filter);
  const { stream } = await openMaybeGzip(path);
  const extract = tar.extract();
  pipeline(stream, extract, () => {});
  let entries = 0;
  try {
    for await (const entry of extract) {
      entries++;
      const name = entry.header.name.replace(/^\.\//, '');
      // A consumer that writes files under a folder would write outside it (tar-slip); Python's
      // tarfile 'data' filter refuses such members too.
      if (name.startsWith('/') || name.split('/').includes('..')) {
        throw new DataFormatError(path, `entry '${name}' has an absolute path or a '..' component, which would point outside the archive's folder`);
      }
      const type = entry.header.type ?? 'file';
      if ((type !== 'file' && type !== 'contiguous-file') || (filter && !filter(name))) {
        entry.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      yield { path: name, bytes: Buffer.concat(chunks) };
    }
  } catch (err) {
    throw await tarError(path, err);
  } finally {
    // Also runs when the consumer stops early; closes the file descriptor.
    stream.destroy();
    extract.destroy();
  }
  if (entries === 0) throw new DataFormatError(path, 'archive contains no entries (empty or not a tar archive)');
}

/** Like iterateTarGz, decoding each file as UTF-8 with a Latin-1 fallback. */
export async function* readTarGzTextFiles(path: string, filter?: ArchivePathFilter): AsyncGenerator<ArchiveTextFile> {
  for await (const f of iterateTarGz(path, filter)) {
    const { text, encoding } = decodeText(f.bytes);
    yield { path: f.path, text, encoding };
  }
}

async function tarError(path: string, err: unknown): Promise<DataFormatError> {
  const code = errorCode(err);
  if (err instanceof DataFormatError || code !== undefined) return gzipFileError(path, err);
  const detail = err instanceof Error ? err.message : String(err);
  return new DataFormatError(path, `not a valid tar archive, or the archive is truncated (${detail})`, { cause: err });
}
