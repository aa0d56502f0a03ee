/**
 * The `pnpm demo` section: the shipped model recognising the shipped sample
 * images (a scan-like photo of ink on paper, a 16×16 thumbnail, light-on-dark
 * and dark-on-light digits). File names start with the true digit.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { IMAGE_EXTENSIONS } from '@tensorkit/data';
import { loadModel } from './model-file.js';
import { predictFiles } from './predict.js';

export const SAMPLES_DIR = fileURLToPath(new URL('../samples/', import.meta.url));

export function sampleFiles(dir = SAMPLES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => (IMAGE_EXTENSIONS as readonly string[]).some((e) => f.toLowerCase().endsWith(e)))
    .sort()
    .map((f) => join(dir, f));
}

export async function runDemo(): Promise<void> {
  const loaded = await loadModel();
  const t = loaded.meta.training;
  console.log(`digit recognizer: ${loaded.meta.arch} model${t ? `, validation accuracy ${(100 * t.valAccuracy).toFixed(2)}%` : ''}; weights stored as ${loaded.meta.storedAs === 'F16' ? 'float16' : 'float32'}`);
  const files = sampleFiles();
  const { predictions, errors } = await predictFiles(loaded, files);
  let right = 0;
  for (const p of predictions) {
    const name = p.file.slice(SAMPLES_DIR.length);
    const expected = Number(name[0]);
    if (p.digit === expected) right++;
    console.log(`  ${name.padEnd(28)} → ${p.digit}  (${(100 * p.confidence).toFixed(1)}%)${p.digit === expected ? '' : `  [expected ${expected}]`}`);
  }
  for (const e of errors) console.log(`  ${e.file}: ${e.error}`);
  console.log(`  ${right}/${files.length} samples recognised`);
}
