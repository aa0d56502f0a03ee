/**
 * Rebuilds samples/ from an FSDD recordings folder and a yesno folder:
 *   tsx --conditions=@tensorkit/source apps/speech-to-text/scripts/make-samples.ts FSDD_DIR YESNO_DIR
 * Connected-digit utterances are joined exactly as the evaluation data are (digital-silence
 * pauses of 0.1–0.3 s), from recording indices 5–9, which the shipped model never trains on.
 * samples/samples.jsonl records each word's true start/end (used by the timestamp test).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWav, writeWav } from '@tensorkit/data';
import { DIGIT_WORDS } from '../src/alphabet.js';
import { SAMPLES_DIR } from '../src/paths.js';
import { joinClips } from '../src/synth.js';

const [fsdd, yesno] = process.argv.slice(2);
if (!fsdd || !yesno) throw new Error('usage: make-samples.ts FSDD_RECORDINGS_DIR YESNO_DIR');
const SR = 8000;
const plan: { name: string; speaker: string; clips: [number, number][]; pauses: number[] }[] = [
  { name: 'digits-george-371', speaker: 'george', clips: [[3, 5], [7, 6], [1, 7]], pauses: [0.2, 0.15] },
  { name: 'digits-jackson-5092', speaker: 'jackson', clips: [[5, 8], [0, 9], [9, 5], [2, 6]], pauses: [0.12, 0.28, 0.18] },
  { name: 'digits-yweweler-84', speaker: 'yweweler', clips: [[8, 7], [4, 9]], pauses: [0.25] },
];
mkdirSync(SAMPLES_DIR, { recursive: true });
const lines: string[] = [];
for (const p of plan) {
  const clips = [];
  for (const [digit, index] of p.clips) {
    const w = await readWav(join(fsdd, `${digit}_${p.speaker}_${index}.wav`), { targetRate: SR });
    clips.push({ samples: w.samples, text: DIGIT_WORDS[digit], name: `${digit}_${p.speaker}_${index}` });
  }
  const u = joinClips(clips, SR, p.pauses);
  await writeWav(join(SAMPLES_DIR, `${p.name}.wav`), u.samples, SR);
  lines.push(JSON.stringify({
    audio_filepath: `${p.name}.wav`, duration: +(u.samples.length / SR).toFixed(4), text: u.text,
    source: u.name, words: u.words!.map((w) => ({ word: w.word, start: +(w.start / SR).toFixed(4), end: +(w.end / SR).toFixed(4) })),
  }));
}
const yn = '1_0_1_1_0_1_1_1.wav';
copyFileSync(join(yesno, yn), join(SAMPLES_DIR, `yesno-${yn}`));
writeFileSync(join(SAMPLES_DIR, 'samples.jsonl'), lines.join('\n') + '\n');
console.log(`wrote ${plan.length} connected-digit samples and yesno-${yn} to ${SAMPLES_DIR}`);
