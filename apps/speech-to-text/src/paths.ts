import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The app folder (one level above src/ or dist/). */
export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_MODEL_PATH = join(APP_DIR, 'models', 'digits.safetensors');
/** What `eval` uses for a yesno folder when no --model is given. */
export const YESNO_MODEL_PATH = join(APP_DIR, 'models', 'yesno.safetensors');
export const SAMPLES_DIR = join(APP_DIR, 'samples');
