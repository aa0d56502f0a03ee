import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HashingNgramEncoder, normalizeText, parseCsv, readCsv, TfidfWeighter, tokenize, Vocabulary } from '../src/index.js';

const bad = (v: unknown): never => v as never;

describe('text and CSV options: unknown keys are named, not ignored', () => {
  it('tokenize, normalizeText, Vocabulary, HashingNgramEncoder, TfidfWeighter', () => {
    expect(() => tokenize('Hi', bad({ lower_case: false }))).toThrow(/tokenize: unknown option 'lower_case' \(did you mean 'lowercase'\?\)/);
    expect(() => normalizeText('Hi', bad({ collapse_whitespace: false }))).toThrow(/normalizeText: unknown option 'collapse_whitespace' \(did you mean 'collapseWhitespace'\?\)/);
    expect(() => Vocabulary.build([['a']], bad({ min_freq: 2 }))).toThrow(/Vocabulary.build: unknown option 'min_freq' \(did you mean 'minFreq'\?\)/);
    expect(() => Vocabulary.fromCounts(new Map([['a', 1]]), bad({ max_size: 2 }))).toThrow(/Vocabulary: unknown option 'max_size' \(did you mean 'maxSize'\?\)/);
    expect(() => new HashingNgramEncoder(bad({ buckets: 16, ngram: 3 }))).toThrow(/HashingNgramEncoder: unknown option 'ngram' \(did you mean 'ngrams'\?\)/);
    expect(() => new TfidfWeighter(bad({ sublinear_tf: true }))).toThrow(/TfidfWeighter: unknown option 'sublinear_tf' \(did you mean 'sublinearTf'\?\)/);
  });

  it('CSV: a misspelt delimiter is named when called (it parsed with a comma and failed on quotes)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-args-'));
    const file = join(dir, 'a.csv');
    writeFileSync(file, 'a;b\r\n"x""y";2\r\n');
    expect(() => parseCsv('a;b', 'x.csv', bad({ delimeter: ';' }))).toThrow(/readCsv: unknown option 'delimeter' \(did you mean 'delimiter'\?\)/);
    return expect(readCsv(file, bad({ delimiter: 5 }))).rejects.toThrow('readCsv: delimiter must be a non-empty string, got 5');
  });
});

describe('text arguments that gave an empty or character-level vocabulary, or an ignored norm', () => {
  it('Vocabulary: NaN minFreq/maxSize, documents given as strings', () => {
    expect(() => Vocabulary.build([['a', 'b']], { minFreq: NaN })).toThrow('Vocabulary: minFreq must be a finite number ≥ 0, got NaN');
    expect(() => Vocabulary.build([['a', 'b']], { maxSize: NaN })).toThrow('Vocabulary: maxSize must be a non-negative integer, got NaN');
    expect(() => Vocabulary.build(bad(['hello world']))).toThrow('Vocabulary.build: each document must be an array of tokens (tokenize(text) gives one), got a string');
    expect(Vocabulary.build((function* () { yield ['a', 'b']; yield ['a']; })()).size).toBe(4);
  });

  it("TfidfWeighter: norm 'l1' was kept and applied as no normalisation", () => {
    expect(() => new TfidfWeighter({ norm: bad('l1') })).toThrow(`TfidfWeighter: norm must be one of 'l2', 'none', got "l1"`);
  });
});
