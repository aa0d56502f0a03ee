import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface Digests {
  sha256: Hash;
  md5: Hash;
}

export function newDigests(): Digests {
  return { sha256: createHash('sha256'), md5: createHash('md5') };
}

/** Feeds an existing file (e.g. the part already downloaded) into the digests. */
export async function hashFileInto(path: string, digests: Digests): Promise<number> {
  let bytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    digests.sha256.update(chunk);
    digests.md5.update(chunk);
    bytes += chunk.length;
  }
  return bytes;
}

export async function sha256File(path: string): Promise<string> {
  const d = newDigests();
  await hashFileInto(path, d);
  return d.sha256.digest('hex');
}
