/** `pnpm demo` section: the shipped models transcribe the shipped sample recordings. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { featuresFromFile } from './features.js';
import { loadModel } from './model-file.js';
import { APP_DIR, SAMPLES_DIR } from './paths.js';
import { Recognizer } from './recognizer.js';

export async function runDemo(): Promise<void> {
  const wavs = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.wav')).sort();
  const groups: [string, string[]][] = [
    ['digits.safetensors', wavs.filter((f) => !f.startsWith('yesno'))],
    ['yesno.safetensors', wavs.filter((f) => f.startsWith('yesno'))],
  ];
  for (const [modelName, files] of groups) {
    const modelPath = join(APP_DIR, 'models', modelName);
    if (!files.length) continue;
    if (!existsSync(modelPath)) {
      console.log(`(${modelName} is not trained yet: skipping ${files.join(', ')})`);
      continue;
    }
    const info = await loadModel(modelPath);
    const rec = new Recognizer(info);
    for (const f of files) {
      const path = join(SAMPLES_DIR, f);
      const { features, duration } = await featuresFromFile(path, info.frontEnd);
      const [r] = rec.recognize([features], { timestamps: true, durations: [duration] });
      const times = (r.words ?? []).map((w) => `${w.word}@${w.start.toFixed(2)}–${w.end.toFixed(2)}s`).join(' ');
      console.log(`${f.padEnd(34)} → "${r.text}"   [${modelName}; ${times}]`);
    }
  }
}
