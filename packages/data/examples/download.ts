// Checksummed, resumable downloads, served here by a throwaway local HTTP server (no network needed).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { download, sha256File } from '@tensorkit/data';

const body = Buffer.from('0123456789'.repeat(1000));
const sha256 = createHash('sha256').update(body).digest('hex');

// Answers `Range: bytes=N-` with 206 Partial Content, as the dataset hosts do.
const server = createServer((req, res) => {
  const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
  const headers = { 'content-length': String(body.length - start) };
  if (start > 0) res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
  else res.writeHead(200, headers);
  res.end(body.subarray(start));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data.bin`;
const dir = mkdtempSync(join(tmpdir(), 'tensorkit-download-'));
try {
  // An interrupted earlier attempt left the first 4,000 bytes in `<dest>.part`: only the rest is fetched.
  const dest = join(dir, 'data.bin');
  writeFileSync(`${dest}.part`, body.subarray(0, 4000));
  const first = await download({ url, dest, sha256, size: body.length, progress: false });
  assert.deepEqual([first.resumed, first.cached, first.bytes], [true, false, body.length]);
  assert.deepEqual(readFileSync(dest), body);
  assert.equal(await sha256File(dest), sha256);

  // A file already in place is verified and kept, not fetched again.
  const again = await download({ url, dest, sha256, progress: false });
  assert.equal(again.cached, true);

  // A checksum mismatch fails loudly, and `dest` never holds unverified bytes.
  const wrong = join(dir, 'wrong.bin');
  await assert.rejects(download({ url, dest: wrong, sha256: '0'.repeat(64), progress: false }), /sha256 mismatch: expected 0{64}, got [0-9a-f]{64} \(10000 bytes\); the downloaded file was deleted/);
  assert.equal(existsSync(wrong) || existsSync(`${wrong}.part`), false);
  console.log(`downloaded ${first.bytes} bytes (resumed), then found them cached`);
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
