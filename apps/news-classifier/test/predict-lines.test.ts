/**
 * `predict --file` reads one text per line whatever the line endings: LF, CRLF or a lone CR
 * (classic Mac OS). Before, a CR-only file was one "line" and was classified as a single text.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { predictCommand } from '../src/predict.js';
import { tempDir } from './helpers.js';

const MODEL = fileURLToPath(new URL('../models/ag_news.safetensors', import.meta.url));
const silent = () => {};

describe('predict --file line endings', () => {
  it('LF, CRLF and CR-only files give the same texts and the same predictions', async () => {
    const dir = tempDir();
    const lines = ['Central bank raises interest rates', 'Striker scores twice in injury time'];
    const results = [];
    for (const [name, eol] of [['lf.txt', '\n'], ['crlf.txt', '\r\n'], ['cr.txt', '\r']] as const) {
      const file = join(dir, name);
      writeFileSync(file, lines.join(eol) + eol);
      const r = await predictCommand({ texts: [], file, model: MODEL, json: true, print: silent });
      expect(r.predictions.map((p) => p.text), name).toEqual(lines);
      results.push(r.predictions.map((p) => [p.label, p.probability]));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});
