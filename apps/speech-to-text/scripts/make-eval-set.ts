/**
 * Writes a connected-digit evaluation set (WAVs + NeMo manifest) from an FSDD folder, built the
 * way the evaluation data are: 1–5 clips of one speaker joined by 0.1–0.3 s of silence.
 *   tsx --conditions=@tensorkit/source apps/speech-to-text/scripts/make-eval-set.ts FSDD_DIR OUT_DIR [N] [INDICES] [SPEAKERS] [SEED]
 * e.g. … recordings /tmp/seen 1000 5-9          (held-back recordings of every speaker)
 *      … recordings /tmp/jackson 1000 0-49 jackson
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Generator } from '@tensorkit/core';
import { writeManifest, writeWav } from '@tensorkit/data';
import { loadRecordings, openCorpus } from '../src/corpus.js';
import { defaultFeatureConfig } from '../src/features.js';
import { bySpeaker, connectedUtterance } from '../src/synth.js';
import { parseRange } from '../src/trainset.js';

const [src, out, nArg = '500', range = '5-9', speakers = '', seed = '7'] = process.argv.slice(2);
if (!src || !out) throw new Error('usage: make-eval-set.ts FSDD_DIR OUT_DIR [N] [INDICES] [SPEAKERS] [SEED]');
const { lo, hi } = parseRange(range);
const wanted = speakers ? new Set(speakers.split(',')) : null;
const corpus = await openCorpus(src);
const recs = corpus.recordings.filter((r) => r.index! >= lo && r.index! <= hi && (!wanted || wanted.has(r.speaker!)));
const loaded = await loadRecordings(recs, defaultFeatureConfig(8000));
const groups = [...bySpeaker(loaded).values()];
const rng = new Generator(Number(seed));
mkdirSync(join(out, 'wavs'), { recursive: true });
const entries = [];
for (let i = 0; i < Number(nArg); i++) {
  const u = connectedUtterance(groups, rng, { sampleRate: 8000 });
  const path = join(out, 'wavs', `utt${String(i).padStart(4, '0')}.wav`);
  await writeWav(path, u.samples, 8000);
  entries.push({ audioPath: path, text: u.text, duration: +(u.samples.length / 8000).toFixed(4) });
}
await writeManifest(join(out, 'manifest.jsonl'), entries);
console.log(`wrote ${entries.length} utterances from ${groups.length} speaker(s), indices ${lo}-${hi}, to ${out}/manifest.jsonl`);
