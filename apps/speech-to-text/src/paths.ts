import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { CorpusKind } from './corpus.js';

/** The app folder (one level above src/ or dist/). */
export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_MODEL_PATH = join(APP_DIR, 'models', 'digits.safetensors');
/** What `eval` uses for a yesno folder when no --model is given. */
export const YESNO_MODEL_PATH = join(APP_DIR, 'models', 'yesno.safetensors');
export const SAMPLES_DIR = join(APP_DIR, 'samples');

/**
 * Where `train` writes unless told: a file in the current folder named after the data's kind —
 * never a shipped model, so a quick run (or a yesno run) does not replace what eval and
 * transcribe use; name the shipped file with --out to replace it.
 */
export function defaultTrainOut(kind: CorpusKind): string {
  return kind === 'fsdd' ? 'digits.safetensors' : kind === 'yesno' ? 'yesno.safetensors' : 'speech.safetensors';
}
