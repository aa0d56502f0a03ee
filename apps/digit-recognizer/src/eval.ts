/**
 * `digits eval`: accuracy, per-class precision/recall/F1 and the confusion
 * matrix of a model on an IDX test side (t10k-*) or on digit subfolders of
 * images; `--json` ends stdout with one JSON object, `--report DIR` writes
 * an HTML report.
 */
import { checkWritableFolder, classificationReport, type ClassificationReport, confusionMatrix, createProgress, formatClassScores, formatConfusionMatrix, printJsonLine } from '@tensorkit/train';
import { loadDigitSet, type DigitSet } from './data.js';
import { predictSet, type SetPredictions } from './infer.js';
import { LABELS, loadModel, type LoadedModel } from './model-file.js';
import { NUM_CLASSES } from './model.js';
import { plural } from './plural.js';
import { writeReport } from './report.js';

export interface EvalOptions {
  data: string;
  model?: string;
  json?: boolean;
  report?: string;
  batchSize?: number;
  /** Suppress progress output (tests). */
  quiet?: boolean;
  /** Where text output goes (default stdout). */
  print?: (line: string) => void;
}

export interface EvalJson {
  accuracy: number;
  n: number;
  correct: number;
  macro_f1: number;
  per_class: { label: string; precision: number; recall: number; f1: number; support: number }[];
  confusion: number[][];
  model: string;
  data: string;
  report?: string;
}

export interface Evaluation {
  set: DigitSet;
  predictions: SetPredictions;
  report: ClassificationReport;
}

/** Runs a loaded model over a set and scores it. */
export function scoreSet(loaded: LoadedModel, set: DigitSet, opts: { batchSize?: number; quiet?: boolean } = {}): Evaluation {
  const progress = createProgress({ total: set.n, label: 'eval', unit: 'images', silent: opts.quiet });
  const predictions = predictSet(loaded.model, set, { batchSize: opts.batchSize, preprocess: loaded.meta.preprocess, onProgress: (d) => progress.update(d) });
  progress.stop();
  const confusion = confusionMatrix(set.labels, predictions.preds, NUM_CLASSES);
  return { set, predictions, report: classificationReport(confusion, LABELS) };
}

export async function evaluate(opts: EvalOptions): Promise<EvalJson> {
  const print = opts.print ?? ((line: string) => process.stdout.write(line + '\n'));
  // Before any work: a bad --report used to fail only after the evaluation, losing its results.
  if (opts.report !== undefined) checkWritableFolder(opts.report, '--report', 'index.html, confusion.png and errors/*.png', ['index.html', 'confusion.png', 'errors/001.png']);
  const loaded = await loadModel(opts.model);
  let loading = null as ReturnType<typeof createProgress> | null;
  const set = await loadDigitSet(opts.data, 'test', (done, total) => {
    loading ??= createProgress({ total, label: 'loading images', unit: 'images', silent: opts.quiet });
    loading.update(done);
  });
  (loading as ReturnType<typeof createProgress> | null)?.stop();
  const ev = scoreSet(loaded, set, { batchSize: opts.batchSize, quiet: opts.quiet });
  const r = ev.report;
  const correct = Math.round(r.accuracy * r.n);
  const result: EvalJson = {
    accuracy: r.accuracy,
    n: r.n,
    correct,
    macro_f1: r.macroF1,
    per_class: r.perClass.map((c) => ({ label: c.label, precision: c.precision, recall: c.recall, f1: c.f1, support: c.support })),
    confusion: r.confusion,
    model: loaded.path,
    data: set.source,
  };
  if (opts.report) result.report = await writeReport(opts.report, loaded, ev);
  if (opts.json) {
    printJsonLine(result);
    return result;
  }
  print(`model ${loaded.path} (${loaded.meta.arch}, ${loaded.meta.storedAs})`);
  print(`data  ${set.source} (${plural(set.n, 'image')})`);
  print('');
  print(`accuracy ${(100 * r.accuracy).toFixed(2)}% (${correct}/${r.n})   macro-F1 ${r.macroF1.toFixed(4)}`);
  print('');
  print(formatClassScores(r));
  print('');
  print(formatConfusionMatrix(r.confusion, r.labels));
  if (result.report) {
    print('');
    print(`report written to ${result.report}`);
  }
  return result;
}
