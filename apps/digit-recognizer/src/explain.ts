/**
 * `digits explain`: integrated gradients (Sundararajan et al. 2017) of the
 * predicted class's logit, from a black (empty canvas) baseline, drawn over
 * the digit next to the top-3 classes. The path integral is a midpoint
 * Riemann sum; the number of steps doubles until completeness holds — the
 * attributions sum to f(x) − f(baseline) within 1% — or 1024 steps.
 */
import { statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { noGrad, Tensor } from '@tensorkit/core';
import { svgToPng } from '@tensorkit/data';
import type { Sequential } from '@tensorkit/nn';
import { atomicWriteFile, checkWritable, checkWritableFolder, escapeXml, printJsonLine, svgDocument, UserError } from '@tensorkit/train';
import { loadModel, type LoadedModel } from './model-file.js';
import { IMAGE_SIZE, NUM_CLASSES } from './model.js';
import { classify, prepareFile, type PreparedInput } from './predict.js';
import { PIXELS, standardiseUnit, type PreprocessConfig } from './preprocess.js';

export interface IgResult {
  /** One attribution per pixel (28×28). */
  attributions: Float64Array;
  target: number;
  /** f(x) and f(baseline): the target logit at the input and at the baseline. */
  logit: number;
  baselineLogit: number;
  /** Σ attributions; completeness says it equals logit − baselineLogit. */
  sum: number;
  /** |sum − (logit − baselineLogit)| / |logit − baselineLogit|. */
  relativeError: number;
  steps: number;
}

const CHUNK = 32;

function logitsNoGrad(model: Sequential, x: Float32Array): Float32Array {
  const b = x.length / PIXELS;
  return noGrad(() => model.forward(new Tensor(x, [b, 1, IMAGE_SIZE, IMAGE_SIZE], 'float32'))).contiguous().toTypedArray() as Float32Array;
}

/** Σ over the path points of ∂f_target/∂x, for alphas (k + 0.5)/steps. */
function pathGradientSum(model: Sequential, x: Float32Array, baseline: Float32Array, target: number, steps: number): Float64Array {
  const total = new Float64Array(PIXELS);
  for (let s = 0; s < steps; s += CHUNK) {
    const b = Math.min(CHUNK, steps - s);
    const buf = new Float32Array(b * PIXELS);
    for (let k = 0; k < b; k++) {
      const alpha = (s + k + 0.5) / steps;
      for (let i = 0; i < PIXELS; i++) buf[k * PIXELS + i] = baseline[i] + alpha * (x[i] - baseline[i]);
    }
    const input = new Tensor(buf, [b, 1, IMAGE_SIZE, IMAGE_SIZE], 'float32').requiresGrad_();
    // The samples are independent in eval mode, so the gradient of the summed
    // target logits gives each path point its own gradient.
    model.forward(input).select(1, target).sum().backward();
    const g = input.grad!.contiguous().toTypedArray();
    for (let k = 0; k < b; k++) for (let i = 0; i < PIXELS; i++) total[i] += g[k * PIXELS + i];
  }
  return total;
}

/**
 * Integrated gradients of logit `target` for one standardised input against
 * a standardised baseline (both 784 values). Doubles the steps from
 * `minSteps` until the completeness error is below `tolerance`.
 */
export function integratedGradients(model: Sequential, x: Float32Array, baseline: Float32Array, target: number, opts: { minSteps?: number; maxSteps?: number; tolerance?: number } = {}): IgResult {
  const maxSteps = opts.maxSteps ?? MAX_EXPLAIN_STEPS;
  const tolerance = opts.tolerance ?? 0.01;
  const minSteps = opts.minSteps ?? 32;
  // NaN steps never met the stopping test and looped forever; 2.5 steps died in a reshape.
  if (!Number.isFinite(minSteps) || !Number.isFinite(maxSteps)) throw new RangeError(`integratedGradients: minSteps and maxSteps must be finite numbers, got ${minSteps} and ${maxSteps}`);
  // minSteps past maxSteps ran that many steps anyway: --steps 100000000 took hours for one image.
  if (minSteps > maxSteps) throw new RangeError(`integratedGradients: minSteps ${minSteps} is more than maxSteps ${maxSteps} (the steps double from minSteps up to maxSteps)`);
  // Target -1 gave NaN attributions after 1024 steps; 10 failed inside select.
  if (!Number.isInteger(target) || target < 0 || target >= NUM_CLASSES) throw new RangeError(`integratedGradients: target must be a digit 0…9, got ${target}`);
  if (x.length !== PIXELS || baseline.length !== PIXELS) throw new RangeError(`integratedGradients: input and baseline must hold ${PIXELS} values each, got ${x.length} and ${baseline.length}`);
  const wasTraining = model.training;
  model.eval();
  const frozen = model.parameters().filter((p) => p.requiresGrad);
  for (const p of frozen) p.requiresGrad = false;
  try {
    const both = new Float32Array(2 * PIXELS);
    both.set(x, 0);
    both.set(baseline, PIXELS);
    const l = logitsNoGrad(model, both);
    const logit = l[target];
    const baselineLogit = l[NUM_CLASSES + target];
    const delta = logit - baselineLogit;
    let steps = Math.max(1, Math.ceil(minSteps));
    for (;;) {
      const g = pathGradientSum(model, x, baseline, target, steps);
      const attributions = new Float64Array(PIXELS);
      let sum = 0;
      for (let i = 0; i < PIXELS; i++) {
        attributions[i] = ((x[i] - baseline[i]) * g[i]) / steps;
        sum += attributions[i];
      }
      const relativeError = Math.abs(sum - delta) / Math.max(Math.abs(delta), 1e-6);
      if (relativeError <= tolerance || steps * 2 > maxSteps) return { attributions, target, logit, baselineLogit, sum, relativeError, steps };
      steps *= 2;
    }
  } finally {
    for (const p of frozen) p.requiresGrad = true;
    if (wasTraining) model.train();
  }
}

/** The black baseline: an empty canvas, standardised like any input. */
export function blackBaseline(cfg: PreprocessConfig): Float32Array {
  return standardiseUnit(new Float32Array(PIXELS), cfg);
}

export const EXPLAIN_IMAGE = { width: 900, height: 360 };
const CELL = 10;

function quantileAbs(a: ArrayLike<number>, q: number): number {
  const v = Array.from(a, Math.abs).sort((x, y) => x - y);
  return v[Math.min(v.length - 1, Math.floor(q * v.length))] || 0;
}

/** Input digit, attribution overlay (red: for the class, blue: against) and top-3 bars, as SVG. */
export function explanationSvg(file: string, unit: Float32Array, ig: IgResult, top3: { digit: number; p: number }[]): string {
  const side = IMAGE_SIZE * CELL;
  const y0 = 50;
  const scale = quantileAbs(ig.attributions, 0.99) || 1;
  const parts: string[] = [];
  parts.push(`<text x="20" y="28" font-size="16" font-weight="bold">${escapeXml(basename(file))}</text>`);
  parts.push(`<text x="20" y="${y0 + side + 28}" font-size="13">model input (28×28)</text>`);
  parts.push(`<text x="${side + 50}" y="${y0 + side + 28}" font-size="13">integrated gradients for ${ig.target}: <tspan fill="#c00">for</tspan> / <tspan fill="#06c">against</tspan></text>`);
  for (let y = 0; y < IMAGE_SIZE; y++) {
    for (let x = 0; x < IMAGE_SIZE; x++) {
      const i = y * IMAGE_SIZE + x;
      const ink = Math.min(1, Math.max(0, unit[i]));
      // Shown as dark ink on white paper.
      const g = Math.round(255 * (1 - ink));
      parts.push(`<rect x="${20 + x * CELL}" y="${y0 + y * CELL}" width="${CELL}" height="${CELL}" fill="rgb(${g},${g},${g})"/>`);
      // Overlay: the digit faintly in grey, attribution colour on top.
      const base = Math.round(255 * (1 - 0.3 * ink));
      const a = Math.max(-1, Math.min(1, ig.attributions[i] / scale));
      const t = Math.pow(Math.abs(a), 0.7);
      const [cr, cg, cb] = a >= 0 ? [200, 0, 0] : [0, 90, 200];
      const mix = (c: number) => Math.round(base + (c - base) * t);
      parts.push(`<rect x="${side + 50 + x * CELL}" y="${y0 + y * CELL}" width="${CELL}" height="${CELL}" fill="rgb(${mix(cr)},${mix(cg)},${mix(cb)})"/>`);
    }
  }
  parts.push(`<rect x="20" y="${y0}" width="${side}" height="${side}" fill="none" stroke="#888"/>`);
  parts.push(`<rect x="${side + 50}" y="${y0}" width="${side}" height="${side}" fill="none" stroke="#888"/>`);
  const bx = 2 * side + 90;
  const barW = EXPLAIN_IMAGE.width - bx - 60;
  parts.push(`<text x="${bx}" y="${y0 + 14}" font-size="15" font-weight="bold">top 3 classes</text>`);
  top3.forEach((t, k) => {
    const y = y0 + 40 + k * 56;
    parts.push(`<text x="${bx}" y="${y + 16}" font-size="22" font-weight="bold">${t.digit}</text>`);
    parts.push(`<rect x="${bx + 24}" y="${y}" width="${barW}" height="22" fill="#eee"/>`);
    parts.push(`<rect x="${bx + 24}" y="${y}" width="${Math.max(1, barW * t.p).toFixed(1)}" height="22" fill="${k === 0 ? '#2c7' : '#999'}"/>`);
    parts.push(`<text x="${bx + 24}" y="${y + 40}" font-size="13">${(100 * t.p).toFixed(2)}%</text>`);
  });
  parts.push(`<text x="${bx}" y="${y0 + 220}" font-size="12">logit ${ig.logit.toFixed(3)}, black canvas ${ig.baselineLogit.toFixed(3)}</text>`);
  parts.push(`<text x="${bx}" y="${y0 + 238}" font-size="12">Σ attributions ${ig.sum.toFixed(3)} (${ig.steps} steps,</text>`);
  parts.push(`<text x="${bx}" y="${y0 + 256}" font-size="12">completeness error ${(100 * ig.relativeError).toFixed(2)}%)</text>`);
  return svgDocument(EXPLAIN_IMAGE.width, EXPLAIN_IMAGE.height, parts.join(''));
}

/** Integration steps `explain` starts from (doubled until completeness holds), for the CLI and the library alike. */
export const DEFAULT_EXPLAIN_STEPS = 64;
/** The most integration steps the doubling goes to (and so the most `--steps` may start from). */
export const MAX_EXPLAIN_STEPS = 1024;

export interface ExplainOptions {
  files: string[];
  model?: string;
  out: string;
  /** Starting number of integration steps (doubled until completeness holds; default DEFAULT_EXPLAIN_STEPS). */
  steps?: number;
  json?: boolean;
  print?: (line: string) => void;
  printError?: (line: string) => void;
}

export interface Explanation {
  file: string;
  image: string;
  digit: number;
  confidence: number;
  top3: { digit: number; p: number }[];
  target_logit: number;
  baseline_logit: number;
  attribution_sum: number;
  completeness_error: number;
  steps: number;
}

export async function explainOne(loaded: LoadedModel, input: PreparedInput, outPath: string, minSteps: number): Promise<Explanation> {
  const [pred] = classify(loaded, [input]);
  const probs = new Float32Array(pred.probabilities);
  const top3 = Array.from({ length: NUM_CLASSES }, (_, d) => ({ digit: d, p: probs[d] })).sort((a, b) => b.p - a.p).slice(0, 3);
  const x = standardiseUnit(Float32Array.from(input.unit), loaded.meta.preprocess);
  const ig = integratedGradients(loaded.model, x, blackBaseline(loaded.meta.preprocess), pred.digit, { minSteps });
  atomicWriteFile(outPath, await svgToPng(explanationSvg(input.file, input.unit, ig, top3)));
  return {
    file: input.file, image: outPath, digit: pred.digit, confidence: pred.confidence, top3,
    target_logit: ig.logit, baseline_logit: ig.baselineLogit, attribution_sum: ig.sum, completeness_error: ig.relativeError, steps: ig.steps,
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export async function explain(opts: ExplainOptions): Promise<{ explanations: Explanation[]; errors: { file: string; error: string }[] }> {
  const print = opts.print ?? ((line: string) => process.stdout.write(line + '\n'));
  const printError = opts.printError ?? ((line: string) => process.stderr.write(line + '\n'));
  if (opts.files.length === 0) throw new UserError('explain: give at least one image file');
  // --out names a folder (one image per input), or — as speech and news explain take it — the .png
  // of a single input; a folder named x.png full of images surprised whoever typed it.
  const single = /\.png$/i.test(opts.out) && !isDirectory(opts.out);
  if (single && opts.files.length > 1) {
    throw new UserError(`--out ${opts.out}: names one image, but there are ${opts.files.length} files to explain; give a folder (their <name>.explain.png images go into it)`);
  }
  // Before any work, naming the flag (mkdir failed with a raw EEXIST when --out named a file).
  if (single) checkWritable(opts.out, '--out');
  else checkWritableFolder(opts.out, '--out', 'the <name>.explain.png images', ['probe.explain.png']);
  const loaded = await loadModel(opts.model);
  const explanations: Explanation[] = [];
  const errors: { file: string; error: string }[] = [];
  const used = new Set<string>();
  for (const file of opts.files) {
    let name = `${basename(file, extname(file))}.explain.png`;
    for (let k = 2; used.has(name); k++) name = `${basename(file, extname(file))}-${k}.explain.png`;
    used.add(name);
    try {
      const input = await prepareFile(file, loaded);
      explanations.push(await explainOne(loaded, input, single ? opts.out : join(opts.out, name), opts.steps ?? DEFAULT_EXPLAIN_STEPS));
    } catch (e) {
      errors.push({ file, error: (e as Error).message });
    }
  }
  if (errors.length === 1 && opts.files.length === 1) throw new UserError(errors[0].error);
  for (const e of errors) printError(`error: ${e.error}`);
  if (errors.length) process.exitCode = 1;
  if (opts.json) {
    printJsonLine({ explanations, errors });
  } else {
    for (const e of explanations) {
      const top = e.top3.map((t) => `${t.digit} ${(100 * t.p).toFixed(1)}%`).join(', ');
      print(`${e.file}: ${e.digit}  (top 3: ${top})  → ${e.image}`);
      print(`  Σ attributions ${e.attribution_sum.toFixed(3)} vs logit difference ${(e.target_logit - e.baseline_logit).toFixed(3)} (${(100 * e.completeness_error).toFixed(2)}%, ${e.steps} steps)`);
    }
  }
  return { explanations, errors };
}
