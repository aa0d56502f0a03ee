import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadCli } from '../src/download/index.js';
import { makeTmpDir } from './fixtures/io/helpers.js';

// A mirror that serves bytes which are NOT the real MNIST files: the CLI must
// fetch from the mirror's path and then reject every file on its checksum.
let server: Server;
let base: string;
const requested: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requested.push(req.url ?? '');
    res.writeHead(200, { 'content-length': 16 }).end(Buffer.alloc(16, 7));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mirror`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('download CLI', () => {
  it('rejects an unknown dataset with the list of known ones', async () => {
    await expect(downloadCli(['imagenet'], () => {})).rejects.toThrow(/unknown dataset 'imagenet'[\s\S]*mnist/);
  });

  it('maps files onto --base-url and rejects bytes that fail verification', async () => {
    const { dir, cleanup } = await makeTmpDir('cli');
    try {
      await expect(downloadCli(['mnist', '--out', dir, '--base-url', base], () => {})).rejects.toThrow(/train-images-idx3-ubyte\.gz/);
      expect(requested[0]).toBe('/mirror/train-images-idx3-ubyte.gz');
    } finally {
      await cleanup();
    }
  });

  it('refuses a second dataset name instead of fetching only the first', async () => {
    await expect(downloadCli(['mnist', 'agNews'], () => {})).rejects.toThrow(/one dataset at a time, got 'mnist agNews'[\s\S]*usage: download/);
  });

  it('names --out when it is a file rather than a folder', async () => {
    const { dir, cleanup } = await makeTmpDir('cli-out');
    try {
      const file = join(dir, 'mnist');
      await writeFile(file, 'not a folder');
      const before = requested.length;
      await expect(downloadCli(['mnist', '--out', file, '--base-url', base], () => {})).rejects.toThrow(`--out ${file}: cannot create that folder (a file is in the way)`);
      await expect(downloadCli(['mnist', '--out', join(file, 'sub'), '--base-url', base], () => {})).rejects.toThrow(`--out ${join(file, 'sub')}: cannot create that folder (a file is in the way)`);
      expect(requested.length).toBe(before);
    } finally {
      await cleanup();
    }
  });
});
