/**
 * The `pnpm demo` section: every shipped model classifying the shipped
 * headlines (samples/headlines.txt, written for this project). AG News and
 * BBC are news-topic models; the 20 Newsgroups model sorts Usenet topics,
 * so it shows how the same headlines map onto its groups.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NewsClassifier, shippedModelPath, softmax } from './classifier.js';

export const SAMPLES_FILE = fileURLToPath(new URL('../samples/headlines.txt', import.meta.url));

export const DEMO_MODELS = [
  { file: 'ag_news.safetensors', name: 'AG News' },
  { file: 'bbc.safetensors', name: 'BBC News' },
  { file: '20news.safetensors', name: '20 Newsgroups' },
] as const;

export async function runDemo(): Promise<void> {
  const headlines = readFileSync(SAMPLES_FILE, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  for (const m of DEMO_MODELS) {
    const path = shippedModelPath(m.file);
    if (!existsSync(path)) {
      console.log(`news classifier (${m.name}): ${m.file} is not shipped`);
      continue;
    }
    const clf = await NewsClassifier.load(path);
    const acc = clf.model.info.training.valAccuracy;
    console.log(`news classifier, ${m.name} model (${clf.model.info.modelType}${typeof acc === 'number' ? `, validation accuracy ${(acc * 100).toFixed(2)}%` : ''}):`);
    const C = clf.labels.length;
    const logits = clf.logits(headlines);
    headlines.forEach((h, i) => {
      const p = softmax(logits.subarray(i * C, (i + 1) * C));
      let best = 0;
      for (let c = 1; c < C; c++) if (p[c] > p[best]) best = c;
      console.log(`  ${clf.labels[best].padEnd(24)} ${(p[best] * 100).toFixed(1).padStart(5)}%  ${h}`);
    });
  }
}
