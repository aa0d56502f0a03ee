/**
 * Training-data generator (not part of the product; needs `espeak-ng` on PATH): isolated digit
 * words "zero".."nine" spoken by many synthetic voices, written as an FSDD-style folder
 * (`{digit}_{voice}_{index}.wav`, 8 kHz mono 16-bit) for `speech train --extra-data`.
 *   tsx --conditions=@tensorkit/source apps/speech-to-text/scripts/synth-voices.ts OUT_DIR [--voices 60] [--clips 5] [--seed 1]
 * The same arguments give the same voices and the same clips (espeak-ng is deterministic).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Generator } from '@tensorkit/core';
import { readWav, writeWav } from '@tensorkit/data';
import { espeakArgs, parseSynthArgs, planVoices, trimToWord } from './voice-plan.js';

const run = promisify(execFile);
const RATE = 8000;

let args;
try {
  args = parseSynthArgs(process.argv.slice(2));
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
try {
  await run('espeak-ng', ['--version']);
} catch {
  console.error('espeak-ng not found on PATH (apt-get install espeak-ng); it is only needed to generate this training data');
  process.exit(2);
}
mkdirSync(args.out, { recursive: true });
const voices = planVoices(args.voices, args.seed);
const tmp = join(args.out, `.synth-${process.pid}.wav`);
let written = 0;
try {
  for (const [vi, v] of voices.entries()) {
    // One stream per voice: adding voices does not change the clips of the earlier ones.
    const rng = new Generator(args.seed).split(vi + 1);
    for (let digit = 0; digit < 10; digit++) {
      for (let k = 0; k < args.clips; k++) {
        await run('espeak-ng', espeakArgs(v, digit, rng, tmp));
        const audio = await readWav(tmp, { targetRate: RATE });
        await writeWav(join(args.out, `${digit}_${v.name}_${k}.wav`), trimToWord(audio.samples, RATE), RATE);
        written++;
      }
    }
    process.stderr.write(`\r${vi + 1}/${voices.length} voices`);
  }
} finally {
  rmSync(tmp, { force: true });
}
writeFileSync(join(args.out, 'voices.json'), JSON.stringify({ seed: args.seed, clips: args.clips, voices }, null, 1) + '\n');
console.log(`\nwrote ${written} clips from ${voices.length} espeak-ng voices to ${args.out} (voices.json lists their settings)`);
