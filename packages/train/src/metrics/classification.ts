/** Classification metrics: confusion matrix, accuracy, per-class precision/recall/F1, macro-F1. */

export interface ClassScore {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  macroF1: number;
  n: number;
  perClass: ClassScore[];
  /** confusion[true][pred] counts. */
  confusion: number[][];
  labels: string[];
}

/** counts[t][p] of samples with true class t predicted as p. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number[][] {
  if (yTrue.length !== yPred.length) throw new Error(`confusionMatrix: ${yTrue.length} labels but ${yPred.length} predictions`);
  if (!Number.isInteger(numClasses) || numClasses < 0) throw new Error(`confusionMatrix: numClasses must be a non-negative integer, got ${numClasses}`);
  const cm = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (!(t >= 0 && t < numClasses) || !(p >= 0 && p < numClasses)) throw new Error(`confusionMatrix: sample ${i} has class ${t}/${p} outside [0, ${numClasses})`);
    if (!Number.isInteger(t) || !Number.isInteger(p)) throw new Error(`confusionMatrix: sample ${i} has class ${t}/${p}; classes must be integers`);
    cm[t][p]++;
  }
  return cm;
}

/**
 * Scores from a confusion matrix. Macro-F1 averages the classes that occur in the truth or in the
 * predictions (scikit-learn's default when no label list is given): a test set holding a few of the
 * model's classes is not dragged towards 0 by the absent ones, whose F1 is 0 by definition. A class
 * that is predicted but absent from the truth still counts (its F1 is 0).
 */
export function classificationReport(confusion: number[][], labels: readonly string[]): ClassificationReport {
  const k = confusion.length;
  if (labels.length !== k) throw new Error(`classificationReport: ${labels.length} labels for a ${k}×${k} confusion matrix`);
  // A short row would read as undefined counts and make n, support and the scores NaN.
  confusion.forEach((row, t) => {
    if (!Array.isArray(row) || row.length !== k) throw new Error(`classificationReport: row ${t} of the confusion matrix has ${Array.isArray(row) ? row.length : 'no'} entries, expected ${k} (a ${k}×${k} matrix)`);
    const bad = row.findIndex((v) => !(typeof v === 'number' && v >= 0 && v < Infinity));
    if (bad >= 0) throw new Error(`classificationReport: confusion[${t}][${bad}] is ${row[bad]}, expected a non-negative count`);
  });
  let correct = 0;
  let n = 0;
  const perClass: ClassScore[] = [];
  const present: number[] = [];
  for (let c = 0; c < k; c++) {
    const tp = confusion[c][c];
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      support += confusion[c][j];
      predicted += confusion[j][c];
    }
    correct += tp;
    n += support;
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass.push({ label: labels[c], precision, recall, f1, support });
    if (support > 0 || predicted > 0) present.push(f1);
  }
  const macroF1 = present.length ? present.reduce((s, f) => s + f, 0) / present.length : 0;
  return { accuracy: n ? correct / n : 0, macroF1, n, perClass, confusion, labels: [...labels] };
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : ' '.repeat(w - s.length) + s;
}

export function formatClassScores(report: ClassificationReport): string {
  const w = Math.max(8, ...report.labels.map((l) => l.length));
  const lines = [`${pad('class', w)}  precision  recall     f1  support`];
  for (const c of report.perClass) {
    lines.push(`${pad(c.label, w)}  ${pad(c.precision.toFixed(4), 9)}  ${pad(c.recall.toFixed(4), 6)}  ${pad(c.f1.toFixed(4), 5)}  ${pad(String(c.support), 7)}`);
  }
  return lines.join('\n');
}

/**
 * A text table: rows are true classes, columns predicted classes, labels cut to 10 characters.
 * When cutting makes labels equal (talk.politics.guns, talk.politics.misc…), the columns are
 * numbered instead and each row shows its number and full label, so no two look the same.
 */
export function formatConfusionMatrix(confusion: number[][], labels: readonly string[]): string {
  let short = labels.map((l) => (l.length > 10 ? l.slice(0, 10) : l));
  let rowLabels = short;
  if (new Set(short).size < short.length) {
    short = labels.map((_, i) => String(i + 1));
    rowLabels = labels.map((l, i) => `${l} ${i + 1}`);
  }
  const cellW = Math.max(5, ...confusion.flat().map((v) => String(v).length), ...short.map((l) => l.length)) + 1;
  const rowW = Math.max(...rowLabels.map((l) => l.length), 9);
  const header = pad('true\\pred', rowW) + short.map((l) => pad(l, cellW)).join('');
  const rows = confusion.map((r, i) => pad(rowLabels[i], rowW) + r.map((v) => pad(String(v), cellW)).join(''));
  return [header, ...rows].join('\n');
}
