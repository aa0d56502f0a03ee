/**
 * The `pnpm demo` section: every shipped model classifying shipped headlines
 * written for its own label set (samples/headlines*.txt, written for this
 * project). A headline outside a model's classes would still get one of them,
 * often confidently, so each model is shown only headlines it can place.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NewsClassifier, shippedModelPath, softmax } from './classifier.js';

const sample = (name: string) => fileURLToPath(new URL(`../samples/${name}`, import.meta.url));

/** The AG News headlines (predict's default model): World, Sports, Business, Sci/Tech. */
export const SAMPLES_FILE = sample('headlines.txt');

export const DEMO_MODELS = [
  { file: 'ag_news.safetensors', name: 'AG News', samples: SAMPLES_FILE },
  { file: 'bbc.safetensors', name: 'BBC News', samples: sample('headlines-bbc.txt') },
  { file: '20news.safetensors', name: '20 Newsgroups', samples: sample('headlines-20news.txt') },
] as const;

export function readHeadlines(file: string): string[] {
  return readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

export async function runDemo(log: (s: string) => void = console.log): Promise<void> {
  for (const m of DEMO_MODELS) {
    const path = shippedModelPath(m.file);
    if (!existsSync(path)) {
      log(`news classifier (${m.name}): ${m.file} is not shipped`);
      continue;
    }
    const headlines = readHeadlines(m.samples);
    const clf = await NewsClassifier.load(path);
    const acc = clf.model.info.training.valAccuracy;
    log(`news classifier, ${m.name} model (${clf.model.info.modelType}${typeof acc === 'number' ? `, validation accuracy ${(acc * 100).toFixed(2)}%` : ''}) on samples/${m.samples.split(/[\\/]/).pop()}:`);
    const C = clf.labels.length;
    const logits = clf.logits(headlines);
    headlines.forEach((h, i) => {
      const p = softmax(logits.subarray(i * C, (i + 1) * C));
      let best = 0;
      for (let c = 1; c < C; c++) if (p[c] > p[best]) best = c;
      log(`  ${clf.labels[best].padEnd(24)} ${(p[best] * 100).toFixed(1).padStart(5)}%  ${h}`);
    });
  }
}
