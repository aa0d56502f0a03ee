import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atomicWriteFile, checkWritable, UserError } from '@tensorkit/train';

const dir = mkdtempSync(join(tmpdir(), 'train-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
});

describe('atomicWriteFile', () => {
  it('replaces a file whole and leaves no temp file', () => {
    const target = join(dir, 'w', 'out.txt');
    atomicWriteFile(target, 'first');
    atomicWriteFile(target, 'second');
    expect(readFileSync(target, 'utf8')).toBe('second');
    expect(readdirSync(join(dir, 'w'))).toEqual(['out.txt']);
  });

  it('names the file and the reason when it cannot write, leaving no temp file', () => {
    const file = join(dir, 'blocker.txt');
    writeFileSync(file, 'x');
    const under = join(file, 'img', 'confusion.png');
    expect(() => atomicWriteFile(under, 'png')).toThrow(new UserError(`${under}: cannot write there (part of that path is a file, not a folder)`));
    const folder = join(dir, 'report');
    mkdirSync(join(folder, 'img'), { recursive: true });
    expect(() => atomicWriteFile(folder, 'html')).toThrow(new UserError(`${folder}: cannot write there (is a folder, expected a file)`));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
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
