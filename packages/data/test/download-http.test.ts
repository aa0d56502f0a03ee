import { createHash } from 'node:crypto';
import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DATASETS, download, downloadFiles, type DownloadProgress } from '../src/download/index.js';
import { terminalProgress } from '../src/download/progress.js';
import { makeTmpDir } from './fixtures/io/helpers.js';

const payload = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251));
const sha = createHash('sha256').update(payload).digest('hex');
const md5 = createHash('md5').update(payload).digest('hex');

interface Behaviour {
  /** Ignore Range headers (always 200 with the whole body). */
  noRange: boolean;
  /** Destroy the socket after this many body bytes, for the next `dropTimes` requests. */
  dropAfter: number;
  dropTimes: number;
  /**
   * The client's part file: the socket is destroyed only once it holds every byte sent, so the
   * drop comes after the client read them however slowly it runs (a fixed delay flaked under load).
   */
  part: string;
  /** Serve this body instead of `payload`. */
  body: Buffer;
}

let server: Server;
let base: string;
let dir: string;
let cleanup: () => Promise<void>;
let behaviour: Behaviour;
let ranges: (string | undefined)[];

function handle(req: IncomingMessage, res: ServerResponse): void {
  ranges.push(req.headers.range);
  if (req.url === '/missing') {
    res.writeHead(404, 'Not Found').end('nope');
    return;
  }
  if (req.url === '/moved') {
    res.writeHead(302, { location: '/file' }).end();
    return;
  }
  const body = behaviour.body;
  let start = 0;
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (m && !behaviour.noRange) {
    start = Number(m[1]);
    if (start >= body.length) {
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
  } else {
    res.writeHead(200, { 'content-length': body.length });
  }
  const rest = body.subarray(start);
  if (behaviour.dropTimes > 0) {
    behaviour.dropTimes--;
    const until = start + behaviour.dropAfter;
    res.write(rest.subarray(0, behaviour.dropAfter), () => void dropWhenHeld(behaviour.part, until, res));
    return;
  }
  res.end(rest);
}

async function dropWhenHeld(part: string, bytes: number, res: ServerResponse): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && ((await stat(part).catch(() => null))?.size ?? 0) < bytes) await new Promise((r) => setTimeout(r, 5));
  res.socket?.destroy();
}

beforeAll(async () => {
  ({ dir, cleanup } = await makeTmpDir('dl'));
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await cleanup();
});
beforeEach(() => {
  behaviour = { noRange: false, dropAfter: 0, dropTimes: 0, part: '', body: payload };
  ranges = [];
});

const exists = (p: string) => access(p).then(() => true, () => false);
let n = 0;
const target = () => join(dir, `file${n++}.bin`);

describe('download', () => {
  it('downloads, verifies, reports progress and renames atomically', async () => {
    const dest = target();
    const seen: DownloadProgress[] = [];
    const r = await download({ url: `${base}/file`, dest, sha256: sha, md5, size: payload.length, onProgress: (p) => seen.push({ ...p }) });
    expect(r).toEqual({ path: dest, bytes: payload.length, sha256: sha, resumed: false, cached: false });
    expect((await readFile(dest)).equals(payload)).toBe(true);
    expect(await exists(`${dest}.part`)).toBe(false);
    expect(seen.at(-1)).toEqual({ received: payload.length, total: payload.length });
    expect(seen.every((p, i) => i === 0 || p.received >= seen[i - 1].received)).toBe(true);
    // Already there and valid: no request at all.
    const again = await download({ url: `${base}/file`, dest, sha256: sha });
    expect(again.cached).toBe(true);
    expect(ranges.length).toBe(1);
  });

  it('follows redirects', async () => {
    const r = await download({ url: `${base}/moved`, dest: target(), sha256: sha, progress: false });
    expect(r.bytes).toBe(payload.length);
  });

  it('rejects a corrupted file and deletes it', async () => {
    const corrupted = Buffer.from(payload);
    corrupted[1234] ^= 0xff;
    behaviour.body = corrupted;
    const dest = target();
    await expect(download({ url: `${base}/file`, dest, sha256: sha, progress: false })).rejects.toThrow(
      new RegExp(`sha256 mismatch: expected ${sha}, got [0-9a-f]{64} \\(200000 bytes\\); the downloaded file was deleted`),
    );
    expect(await exists(dest)).toBe(false);
    expect(await exists(`${dest}.part`)).toBe(false);
    behaviour.body = payload.subarray(0, 1000);
    await expect(download({ url: `${base}/file`, dest, sha256: null, size: payload.length, progress: false })).rejects.toThrow(/server reports 1000 bytes, expected 200000/);
  });

  it('keeps the part file when the connection drops, then resumes with a Range request', async () => {
    behaviour.dropAfter = 70_000;
    behaviour.dropTimes = 1;
    const dest = target();
    behaviour.part = `${dest}.part`;
    await expect(download({ url: `${base}/file`, dest, sha256: sha, retries: 0, progress: false })).rejects.toThrow(
      /connection lost after 70000 of 200000 bytes.*70000 bytes kept in .*\.part; call download again to resume/,
    );
    expect((await stat(`${dest}.part`)).size).toBe(70_000);
    expect(await exists(dest)).toBe(false);
    const r = await download({ url: `${base}/file`, dest, sha256: sha, progress: false });
    expect(r.resumed).toBe(true);
    expect(ranges).toEqual([undefined, 'bytes=70000-']);
    expect((await readFile(dest)).equals(payload)).toBe(true);
  });

  it('retries by itself, resuming each time', async () => {
    behaviour.dropAfter = 30_000;
    behaviour.dropTimes = 2;
    const dest = target();
    behaviour.part = `${dest}.part`;
    const r = await download({ url: `${base}/file`, dest, sha256: sha, retryDelayMs: 5, progress: false });
    expect(r.resumed).toBe(true);
    expect(ranges).toEqual([undefined, 'bytes=30000-', 'bytes=60000-']);
  });

  it('restarts cleanly when the server ignores Range', async () => {
    behaviour.noRange = true;
    const dest = target();
    await writeFile(`${dest}.part`, Buffer.alloc(5000, 0xee)); // junk from an earlier attempt
    const r = await download({ url: `${base}/file`, dest, sha256: sha, progress: false });
    expect(ranges).toEqual(['bytes=5000-']);
    expect(r.resumed).toBe(false);
    expect((await readFile(dest)).equals(payload)).toBe(true);
  });

  it('finishes a part file that is already complete (416)', async () => {
    const dest = target();
    await writeFile(`${dest}.part`, payload);
    const r = await download({ url: `${base}/file`, dest, sha256: sha, progress: false });
    expect(r.bytes).toBe(payload.length);
    expect(ranges).toEqual([`bytes=${payload.length}-`]);
  });

  it('reports 404 clearly without leaving files', async () => {
    const dest = target();
    await expect(download({ url: `${base}/missing`, dest, sha256: sha, progress: false })).rejects.toThrow(`download ${base}/missing: HTTP 404 Not Found`);
    expect(await exists(`${dest}.part`)).toBe(false);
    await expect(download({ url: 'ftp://example.com/x', dest, progress: false })).rejects.toThrow(/unsupported protocol 'ftp:'/);
  });

  it('checks MD5 when that is what is published', async () => {
    await expect(download({ url: `${base}/file`, dest: target(), md5: '0'.repeat(32), progress: false })).rejects.toThrow(/md5 mismatch: expected 0{32}, got [0-9a-f]{32}/);
  });
});

describe('downloadFiles', () => {
  it('fetches every file of a spec into a folder', async () => {
    const sub = join(dir, 'spec');
    const files = {
      a: { url: `${base}/file`, fileName: 'a.bin', sha256: sha, note: 'test fixture' },
      b: { url: `${base}/moved`, fileName: 'b.bin', sha256: null, size: payload.length, note: 'size only' },
    };
    const r = await downloadFiles(files, sub, { progress: false });
    expect([r.a.path, r.b.path]).toEqual([join(sub, 'a.bin'), join(sub, 'b.bin')]);
    expect(r.b.sha256).toBe(sha);
  });
});

describe('DATASETS registry', () => {
  it('lists canonical files with checksums or an explanation', () => {
    expect(DATASETS.mnist.files.trainImages.sha256).toBe('440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609');
    expect(DATASETS.mnist.files.trainLabels.url).toBe('https://storage.googleapis.com/cvdf-datasets/mnist/train-labels-idx1-ubyte.gz');
    for (const spec of Object.values(DATASETS)) {
      for (const f of Object.values(spec.files) as { url: string; sha256: string | null; md5?: string; note: string }[]) {
        expect(f.url).toMatch(/^https:\/\//);
        if (f.sha256 !== null) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
        if (f.md5 !== undefined) expect(f.md5).toMatch(/^[0-9a-f]{32}$/);
        expect(f.note.length).toBeGreaterThan(10);
      }
    }
  });
});

describe('terminal progress', () => {
  /** A stand-in terminal that records what the bar draws. */
  function tty(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
    let text = '';
    const stream = {
      isTTY, columns: 120, write: (s: string) => ((text += s), true),
      cursorTo: () => true, clearLine: () => true, moveCursor: () => true, on: () => stream, removeListener: () => stream,
    } as unknown as NodeJS.WriteStream;
    return { stream, text: () => text };
  }

  it('shows only the byte count when the server sends no length, not 100% of 0 bytes', () => {
    const t = tty(true);
    const bar = terminalProgress('fsdd.tar.gz', t.stream)!;
    bar.update({ received: 0, total: null });
    bar.update({ received: 4096, total: null });
    bar.stop();
    expect(t.text()).toContain('fsdd.tar.gz 4096 bytes');
    expect(t.text()).not.toMatch(/%|\/0 bytes/);
    const known = tty(true);
    const kbar = terminalProgress('a.gz', known.stream)!;
    kbar.update({ received: 50, total: 200 });
    kbar.stop();
    expect(known.text()).toContain('25% | 50/200 bytes');
  });

  it('draws nothing on a stream that is not a terminal', () => {
    expect(terminalProgress('x', tty(false).stream)).toBeNull();
  });
});
