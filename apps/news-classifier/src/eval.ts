/**
 * `news eval`: accuracy, macro-F1, per-class scores and the confusion matrix
 * of a model on the test side of a dataset; optionally an HTML report.
 */
import { resolve } from 'node:path';
import { classificationReport, confusionMatrix, createProgress, formatClassScores, formatConfusionMatrix, UserError, type ClassificationReport } from '@tensorkit/train';
import { loadClassifier, shippedModelPath, softmax } from './classifier.js';
import { defaultModelName, loadDataset } from './data.js';
import { writeReport, type ReportExample } from './report.js';
import { checkReportDir, resolveModelOption } from './paths.js';
import { trainedOnPath } from './training-overlap.js';

export interface EvalOptions {
  data: string;
  model?: string;
  json?: boolean;
  report?: string;
  quiet?: boolean;
  /** Where the human-readable results go (default stdout). */
  print?: (s: string) => void;
  /** Where notes go (default stderr). */
  warn?: (s: string) => void;
}

export interface EvalJson {
  accuracy: number;
  macro_f1: number;
  n: number;
  model: string;
  data: string;
  layout: string;
  labels: string[];
  /** True when the documents read are the model's own training data (see training-overlap.ts). */
  trained_on_eval_data: boolean;
  per_class: { label: string; precision: number; recall: number; f1: number; support: number }[];
  confusion: number[][];
}

export interface EvalResult {
  report: ClassificationReport;
  json: EvalJson;
}

export async function evalCommand(o: EvalOptions): Promise<EvalResult> {
  const print = o.print ?? ((s: string) => process.stdout.write(s + '\n'));
  const warn = o.warn ?? ((s: string) => process.stderr.write(s + '\n'));
  // Before reading the data or the model: a bad --report fails now, not after the evaluation.
  if (o.report !== undefined) checkReportDir(o.report);
  const model = resolveModelOption(o.model, warn);
  const ds = await loadDataset(o.data, 'test');
  const modelPath = resolve(model ?? shippedModelPath(defaultModelName(ds.layout.kind)));
  const clf = await loadClassifier(modelPath);
  const labels = clf.labels;
  const trainedOn = await trainedOnPath(ds.path, clf.model.info.dataset);
  if (trainedOn !== null) {
    warn(`note: ${modelPath} was trained on ${trainedOn} (its metadata's dataset.path: ${String(clf.model.info.dataset.path)}); the scores below measure how well it fits its own training documents, not how it does on new ones`);
  }
  // Classes are matched by name, so a test set may hold a subset of the model's classes in any order.
  const toModel = ds.classes.map((name) => {
    const i = labels.indexOf(name);
    if (i < 0) {
      // Names are matched exactly: a folder 'Sport' for the label 'sport' is only a spelling away.
      const fold = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
      const near = labels.find((l) => fold(l) === fold(name));
      const hint = near === undefined ? '' : `did you mean '${near}'? class names are matched exactly, case included: rename '${name}' to '${near}', or `;
      throw new UserError(`${ds.path}: class '${name}' is not one of the model's labels (${labels.join(', ')}); ${hint}pass the matching --model`);
    }
    return i;
  });
  const texts = ds.items.map((it) => it.text);
  const truth = ds.items.map((it) => toModel[it.label]);
  const bar = createProgress({ total: texts.length, label: 'eval', unit: 'docs', silent: o.quiet });
  const t0 = performance.now();
  const logits = clf.logits(texts, (d) => bar.update(d));
  bar.stop();
  const seconds = (performance.now() - t0) / 1000;
  const C = labels.length;
  const pred = truth.map((_, i) => {
    let b = 0;
    for (let c = 1; c < C; c++) if (logits[i * C + c] > logits[i * C + b]) b = c;
    return b;
  });
  const report = classificationReport(confusionMatrix(truth, pred, C), labels);
  if (!o.json) {
    print(`model: ${modelPath}`);
    print(`data:  ${ds.path} (${ds.layout.kind}, ${report.n} documents, ${(report.n / Math.max(seconds, 1e-9)).toFixed(0)} docs/s)`);
    print(`accuracy ${(report.accuracy * 100).toFixed(2)}%   macro-F1 ${(report.macroF1 * 100).toFixed(2)}%\n`);
    print(formatClassScores(report));
    print('');
    print(formatConfusionMatrix(report.confusion, labels));
  }
  if (o.report) {
    const examples: ReportExample[] = ds.items.map((it, i) => {
      const p = softmax(logits.subarray(i * C, (i + 1) * C));
      return { text: it.text, source: it.source, truth: truth[i], pred: pred[i], confidence: p[pred[i]], truthProb: p[truth[i]] };
    });
    const index = await writeReport(o.report, { modelPath, dataPath: ds.path, layout: ds.layout.kind, report, examples, clf });
    if (!o.json) print(`\nreport: ${index}`);
  }
  const json: EvalJson = {
    accuracy: report.accuracy,
    macro_f1: report.macroF1,
    n: report.n,
    model: modelPath,
    data: ds.path,
    layout: ds.layout.kind,
    labels,
    trained_on_eval_data: trainedOn !== null,
    per_class: report.perClass.map((c) => ({ label: c.label, precision: c.precision, recall: c.recall, f1: c.f1, support: c.support })),
    confusion: report.confusion,
  };
  return { report, json };
}


