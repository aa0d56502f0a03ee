import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
});
