import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atomicWriteFile, checkWritable, checkWritableFolder, UserError } from '@tensorkit/train';

const dir = mkdtempSync(join(tmpdir(), 'train-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** A temporary file of an atomic write: `.<name>.<pid>.<n>.tmp` (hand-written) or `<name>.<uint32>` (write-file-atomic). */
const isTemp = (f: string) => /\.tmp$|\.\d+$/.test(f);

describe('checkWritableFolder', () => {
  it('creates the folder and the subfolders its files need, and writes nothing', () => {
    const report = join(dir, 'report');
    checkWritableFolder(report, '--report', 'index.html and errors/', ['index.html', 'errors/001.png']);
    expect(readdirSync(report)).toEqual(['errors']);
    expect(readdirSync(join(report, 'errors'))).toEqual([]);
  });

  it('refuses a file where a folder is wanted, and a folder under a file, naming the option', () => {
    const file = join(dir, 'taken.md');
    writeFileSync(file, 'x');
    expect(() => checkWritableFolder(file, '--report', 'index.html', ['index.html'])).toThrow(`--report ${file}: is a file, expected a folder (index.html go into it)`);
    expect(() => checkWritableFolder(join(file, 'r'), '--report', 'index.html', ['index.html'])).toThrow(`--report ${join(file, 'r')}: cannot write there (part of that path is a file, not a folder)`);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });
});

describe('checkWritable', () => {
  it('creates missing folders, leaves no probe behind and does not touch an existing file', () => {
    const target = join(dir, 'a', 'b', 'model.safetensors');
    checkWritable(target, '--out');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual([]);
    writeFileSync(target, 'old model');
    checkWritable(target, '--out');
    expect(readFileSync(target, 'utf8')).toBe('old model');
  });

  it('refuses a path under a file and a path that is a folder, naming the option', () => {
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    expect(() => checkWritable(join(file, 'model.safetensors'), '--out')).toThrow(`--out ${join(file, 'model.safetensors')}: cannot write there (part of that path is a file, not a folder)`);
    expect(() => checkWritable(join(file, 'runs', 'metrics.jsonl'), '--run-dir', join(file, 'runs'))).toThrow(`--run-dir ${join(file, 'runs')}: cannot write there`);
    const folder = join(dir, 'models');
    mkdirSync(folder);
    expect(() => checkWritable(folder, '--out')).toThrow(`--out ${folder}: is a folder; give a file name (e.g. ${join(folder, 'model.safetensors')})`);
  });

  it('refuses up front a name atomicWriteFile cannot write, and accepts the longest it can', () => {
    const sub = join(dir, 'long-check');
    const long = join(sub, `${'m'.repeat(240)}.safetensors`); // 252 bytes
    expect(() => checkWritable(long, '--out')).toThrow(new UserError(
      `--out ${long}: cannot write there (the file name is 252 bytes: too long for the temporary file an atomic write needs beside it; use at most 244)`,
    ));
    const longest = join(sub, `${'n'.repeat(232)}.safetensors`); // 244 bytes: its probe must not be longer
    checkWritable(longest, '--out');
    expect(readdirSync(sub)).toEqual([]);
  });
});

describe('atomicWriteFile', () => {
  it('replaces a file whole and leaves no temp file', () => {
    const target = join(dir, 'w', 'out.txt');
    atomicWriteFile(target, 'first');
    atomicWriteFile(target, 'second');
    expect(readFileSync(target, 'utf8')).toBe('second');
    expect(readdirSync(join(dir, 'w'))).toEqual(['out.txt']);
  });

  it('keeps the previous file when the write fails after the temp file exists', () => {
    const sub = join(dir, 'keep');
    mkdirSync(join(sub, 'taken'), { recursive: true });
    writeFileSync(join(sub, 'taken', 'inside'), 'x'); // a non-empty folder where the file should go
    expect(() => atomicWriteFile(join(sub, 'taken'), 'data')).toThrow(new UserError(`${join(sub, 'taken')}: cannot write there (is a folder, expected a file)`));
    expect(readdirSync(sub)).toEqual(['taken']);
  });

  it('names the file and the reason when it cannot write, leaving no temp file', () => {
    const file = join(dir, 'blocker.txt');
    writeFileSync(file, 'x');
    const under = join(file, 'img', 'confusion.png');
    expect(() => atomicWriteFile(under, 'png')).toThrow(new UserError(`${under}: cannot write there (part of that path is a file, not a folder)`));
    const folder = join(dir, 'report');
    mkdirSync(join(folder, 'img'), { recursive: true });
    expect(() => atomicWriteFile(folder, 'html')).toThrow(new UserError(`${folder}: cannot write there (is a folder, expected a file)`));
    expect(readdirSync(dir).filter(isTemp)).toEqual([]);
  });

  it('refuses a name too long for the temporary file beside it, in words, and keeps the previous file', () => {
    const sub = join(dir, 'long');
    const name = `${'m'.repeat(240)}.safetensors`; // 252 bytes: a legal name, but not with a temp suffix
    const target = join(sub, name);
    mkdirSync(sub);
    writeFileSync(target, 'old');
    expect(() => atomicWriteFile(target, 'new')).toThrow(new UserError(
      `${target}: cannot write there (the file name is 252 bytes: too long for the temporary file an atomic write needs beside it; use at most 244)`,
    ));
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(readdirSync(sub)).toEqual([name]);
    const longest = join(sub, `${'n'.repeat(232)}.safetensors`); // 244 bytes
    atomicWriteFile(longest, 'fits');
    expect(readFileSync(longest, 'utf8')).toBe('fits');
    expect(readdirSync(sub).sort()).toEqual([name, basename(longest)].sort());
  });

  it('writes through a symlink instead of replacing the link', () => {
    const real = join(dir, 'real-model.bin');
    const link = join(dir, 'link-model.bin');
    writeFileSync(real, 'old');
    symlinkSync(real, link);
    atomicWriteFile(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('new');
  });
});
