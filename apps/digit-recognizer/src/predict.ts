/**
 * `digits predict`: any image file → MNIST-style preprocessing → digit and
 * class probabilities. A file that cannot be read or holds no ink gets an
 * error line naming it (and exit code 1) without stopping the other files.
 * A file that looks like several digits side by side is still predicted (as
 * one digit, which is all the model reads) but gets a note on stderr and
 * `separate_digits` > 1 in the JSON.
 */
import { printJsonLine, UserError } from '@tensorkit/train';
import { argmaxRow, predictStandardised } from './infer.js';
import { loadModel, type LoadedModel } from './model-file.js';
import { NUM_CLASSES } from './model.js';
import { checkUnitImage, PIXELS, readDigitImage, standardiseUnit } from './preprocess.js';

export interface PredictOptions {
  files: string[];
  model?: string;
  json?: boolean;
  print?: (line: string) => void;
  printError?: (line: string) => void;
}

export interface Prediction {
  file: string;
  digit: number;
  confidence: number;
  probabilities: number[];
  /** Detected ink polarity of the input. */
  polarity: string;
  /**
   * Digit-sized blobs of ink found side by side in the image: 1 for a single digit; 2 or more
   * (e.g. a written "42") means the digits were squeezed into one input and `digit` is not meaningful.
   */
  separate_digits: number;
  /** Set for an animated or multi-page image: how many frames it has (only the first was read). */
  frames?: number;
}

export interface PredictionError {
  file: string;
  error: string;
}

export interface PreparedInput {
  file: string;
  /** 28×28 in [0, 1] as the model sees it (before standardisation). */
  unit: Float32Array;
  polarity: string;
  /** Digit-sized blobs of ink side by side in the original image (1 when absent). */
  separateDigits?: number;
  /** Frames in an animated or multi-page file (absent for a still image); only the first was read. */
  frames?: number;
}

/** Reads and prepares one image; throws a message naming the file when that is impossible. */
export async function prepareFile(file: string, loaded: LoadedModel): Promise<PreparedInput> {
  const p = await readDigitImage(file, loaded.meta.preprocess);
  if (p.empty) {
    const where = p.frames ? `in the first of its ${p.frames} frames (only the first frame of an animated or multi-page image is read)` : '(the image is blank or has too little contrast)';
    throw new UserError(`${file}: no digit found ${where}`);
  }
  return { file, unit: p.unit, polarity: p.polarity, separateDigits: p.separateDigits, ...(p.frames ? { frames: p.frames } : {}) };
}

/** Probabilities for prepared inputs, in order. */
export function classify(loaded: LoadedModel, inputs: readonly PreparedInput[]): Prediction[] {
  inputs.forEach((inp, i) => checkUnitImage(inp.unit, `classify: input ${i} (${inp.file})`));
  const x = new Float32Array(inputs.length * PIXELS);
  inputs.forEach((inp, i) => x.set(standardiseUnit(Float32Array.from(inp.unit), loaded.meta.preprocess), i * PIXELS));
  const probs = predictStandardised(loaded.model, x);
  return inputs.map((inp, i) => {
    const digit = argmaxRow(probs, i);
    const probabilities = Array.from(probs.subarray(i * NUM_CLASSES, (i + 1) * NUM_CLASSES), (p) => Number(p.toFixed(6)));
    return {
      file: inp.file, digit, confidence: probabilities[digit], probabilities, polarity: inp.polarity, separate_digits: inp.separateDigits ?? 1,
      ...(inp.frames ? { frames: inp.frames } : {}),
    };
  });
}

export async function predictFiles(loaded: LoadedModel, files: readonly string[]): Promise<{ predictions: Prediction[]; errors: PredictionError[] }> {
  const ok: PreparedInput[] = [];
  const errors: PredictionError[] = [];
  for (const file of files) {
    try {
      ok.push(await prepareFile(file, loaded));
    } catch (e) {
      errors.push({ file, error: (e as Error).message });
    }
  }
  return { predictions: ok.length ? classify(loaded, ok) : [], errors };
}

export async function predict(opts: PredictOptions): Promise<{ predictions: Prediction[]; errors: PredictionError[] }> {
  const print = opts.print ?? ((line: string) => process.stdout.write(line + '\n'));
  const printError = opts.printError ?? ((line: string) => process.stderr.write(line + '\n'));
  if (opts.files.length === 0) throw new UserError('predict: give at least one image file');
  const loaded = await loadModel(opts.model);
  const { predictions, errors } = await predictFiles(loaded, opts.files);
  if (errors.length === opts.files.length && errors.length === 1) throw new UserError(errors[0].error);
  for (const e of errors) printError(`error: ${e.error}`);
  if (errors.length) process.exitCode = 1;
  if (opts.json) {
    for (const p of predictions) noteInput(p, printError);
    const single = predictions.length === 1 && opts.files.length === 1 ? { ...predictions[0] } : {};
    printJsonLine({ ...single, predictions, errors });
    return { predictions, errors };
  }
  for (const p of predictions) {
    const probs = p.probabilities.map((v, d) => `${d}:${v.toFixed(3)}`).join(' ');
    print(`${p.file}: ${p.digit}  (${(100 * p.confidence).toFixed(1)}%)`);
    print(`  probabilities ${probs}`);
    noteInput(p, printError);
  }
  return { predictions, errors };
}

/** Warnings, not errors: the digit is still printed, but the user should know it is one of several, or of one frame of several. */
function noteInput(p: Prediction, printError: (line: string) => void): void {
  if (p.frames) printError(`note: ${p.file}: an animated or multi-page image (${p.frames} frames); only the first frame was read`);
  if (p.separate_digits < 2) return;
  printError(`note: ${p.file}: looks like ${p.separate_digits} digits side by side; this model reads one digit per image — crop each digit into its own image`);
}
