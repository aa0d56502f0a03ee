/** Fixtures built in temp folders: synthetic topic texts in every supported layout. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll } from 'vitest';

const created: string[] = [];
// Registered by every test file that imports the helpers: its temp folders go when it ends.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'news-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Small deterministic PRNG (mulberry32) so fixtures are identical on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const TOPICS: Record<string, string[]> = {
  sport: ['match', 'goal', 'team', 'league', 'coach', 'striker', 'season', 'cup', 'score', 'referee', 'stadium', 'champion'],
  money: ['shares', 'profit', 'bank', 'market', 'investors', 'rates', 'stocks', 'earnings', 'merger', 'dividend', 'economy', 'trade'],
  tech: ['software', 'chip', 'internet', 'computer', 'browser', 'processor', 'laptop', 'network', 'server', 'code', 'robot', 'digital'],
};
const FILLER = ['the', 'a', 'on', 'in', 'after', 'new', 'said', 'today', 'with', 'for', 'report', 'week', 'year', 'people', 'says', 'big', 'first', 'over'];

/** A synthetic document: a few topic words among filler (and one word from another topic as noise). */
export function makeDoc(topic: string, r: () => number, words = 14): string {
  const names = Object.keys(TOPICS);
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const u = r();
    if (u < 0.3) out.push(TOPICS[topic][Math.floor(r() * TOPICS[topic].length)]);
    else if (u < 0.36) {
      const other = names[Math.floor(r() * names.length)];
      out.push(TOPICS[other][Math.floor(r() * TOPICS[other].length)]);
    } else out.push(FILLER[Math.floor(r() * FILLER.length)]);
  }
  const s = out.join(' ');
  return s[0].toUpperCase() + s.slice(1) + '.';
}

export function makeDocs(perClass: number, seed: number): { text: string; topic: string }[] {
  const r = rng(seed);
  const out: { text: string; topic: string }[] = [];
  for (let i = 0; i < perClass; i++) for (const t of Object.keys(TOPICS)) out.push({ text: makeDoc(t, r), topic: t });
  return out;
}

/** A class-folder dataset (BBC layout): <dir>/<topic>/<n>.txt. */
export function writeClassFolder(dir: string, perClass: number, seed: number): string {
  makeDocs(perClass, seed).forEach((d, i) => {
    mkdirSync(join(dir, d.topic), { recursive: true });
    writeFileSync(join(dir, d.topic, `${String(i).padStart(4, '0')}.txt`), `${d.text}\n\n${d.text.toLowerCase()}\n`);
  });
  return dir;
}

function csvField(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** An AG News layout: classes.txt + train.csv (+ test.csv), rows "class","title","description". */
export function writeAgNews(dir: string, perClass: number, seed: number, opts: { test?: number } = {}): string {
  mkdirSync(dir, { recursive: true });
  const names = Object.keys(TOPICS);
  writeFileSync(join(dir, 'classes.txt'), names.join('\n') + '\n');
  const rows = (docs: { text: string; topic: string }[]) =>
    docs.map((d) => [String(names.indexOf(d.topic) + 1), d.text.split(' ').slice(0, 5).join(' '), d.text].map(csvField).join(',')).join('\n') + '\n';
  writeFileSync(join(dir, 'train.csv'), rows(makeDocs(perClass, seed)));
  if (opts.test) writeFileSync(join(dir, 'test.csv'), rows(makeDocs(opts.test, seed + 1000)));
  return dir;
}

/** A minimal ustar archive (what the 20 Newsgroups release is), gzip-compressed. */
export function tarGz(files: { path: string; data: string | Uint8Array }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    const data = typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : Buffer.from(f.data);
    const h = Buffer.alloc(512, 0);
    h.write(f.path, 0, 100, 'utf8');
    h.write('0000644\0', 100, 'ascii');
    h.write('0000000\0', 108, 'ascii');
    h.write('0000000\0', 116, 'ascii');
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124, 'ascii');
    h.write('14000000000\0', 136, 'ascii');
    h.write('        ', 148, 'ascii');
    h.write('0', 156, 'ascii');
    h.write('ustar\0', 257, 'ascii');
    h.write('00', 263, 'ascii');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512, 0));
  }
  blocks.push(Buffer.alloc(1024, 0));
  return gzipSync(Buffer.concat(blocks));
}

/** A Usenet-style post. */
export function post(subject: string, body: string): string {
  return `From: someone@example.com (Some One)\nSubject: ${subject}\nOrganization: Example University\nLines: 3\n\n${body}\n`;
}

/** 20 Newsgroups layout: 20news-bydate-{train,test}.tar.gz with <group>/<id> posts. */
export function writeNewsgroups(dir: string, perClass: number, seed: number, opts: { test?: number } = {}): string {
  mkdirSync(dir, { recursive: true });
  const groups: Record<string, string> = { sport: 'rec.sport.hockey', money: 'misc.forsale', tech: 'comp.graphics' };
  const part = (name: string, n: number, s: number, firstId: number) => {
    const files = makeDocs(n, s).map((d, i) => ({
      path: `${name}/${groups[d.topic]}/${firstId + i}`,
      data: post(d.text.split(' ').slice(0, 4).join(' '), d.text),
    }));
    writeFileSync(join(dir, `${name}.tar.gz`), tarGz(files));
  };
  part('20news-bydate-train', perClass, seed, 50000);
  if (opts.test) part('20news-bydate-test', opts.test, seed + 1000, 60000);
  return dir;
}
