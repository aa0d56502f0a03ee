/**
 * `eval --report DIR`: a self-contained HTML report — metrics, per-class
 * table, confusion heatmap (PNG written beside it) and the worst errors (the
 * misclassified texts the model was most confident about), shown as they are
 * with their strongest terms. It references only the files it writes.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { svgToPng } from '@tensorkit/data';
import { atomicWriteFile, confusionHeatmapSvg, escapeXml, perClassTableHtml, type ClassificationReport } from '@tensorkit/train';
import { aggregateTerms, type NewsClassifier } from './classifier.js';

export interface ReportExample {
  text: string;
  source: string;
  truth: number;
  pred: number;
  confidence: number;
  truthProb: number;
}

export interface ReportInput {
  modelPath: string;
  dataPath: string;
  layout: string;
  report: ClassificationReport;
  examples: ReportExample[];
  clf: NewsClassifier;
  /** How many misclassified texts to show (default 30). */
  maxErrors?: number;
}

export const REPORT_FILES = { index: 'index.html', confusion: 'confusion.png' } as const;

function pct(v: number): string {
  return (v * 100).toFixed(2) + '%';
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + '\n[…]' : s;
}

/** Writes index.html and confusion.png into `dir`; returns the index path. */
export async function writeReport(dir: string, r: ReportInput): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const { report, clf } = r;
  const labels = report.labels;
  const heat = confusionHeatmapSvg(report.confusion, labels, { errorStretch: 10 });
  atomicWriteFile(join(dir, REPORT_FILES.confusion), await svgToPng(heat.svg));

  const errors = r.examples.filter((e) => e.pred !== e.truth).sort((a, b) => b.confidence - a.confidence).slice(0, r.maxErrors ?? 30);
  const errorHtml = errors.map((e) => {
    const ex = clf.explain(e.text, { target: e.pred, reference: e.truth });
    const terms = aggregateTerms(ex.terms).filter((t) => t.value > 0).slice(0, 6)
      .map((t) => `${escapeXml(t.term)} <small>+${t.value.toFixed(3)}</small>`).join(', ');
    return `<div class="err">
<p><b>${escapeXml(e.source)}</b>: true <b>${escapeXml(labels[e.truth])}</b> (${pct(e.truthProb)}), predicted <b class="bad">${escapeXml(labels[e.pred])}</b> (${pct(e.confidence)})</p>
<pre>${escapeXml(clip(e.text, 2500))}</pre>
<p class="terms">terms for ${escapeXml(labels[e.pred])} over ${escapeXml(labels[e.truth])}: ${terms || '—'}</p>
</div>`;
  }).join('\n');

  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>news eval report</title>
<style>
body { font-family: DejaVu Sans, Arial, sans-serif; max-width: 1100px; margin: 2em auto; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 3px 10px; text-align: right; }
td:first-child, th:first-child { text-align: left; }
pre { white-space: pre-wrap; background: #f7f7f7; padding: 0.6em; border: 1px solid #ddd; max-height: 22em; overflow: auto; }
.err { border-top: 1px solid #ccc; margin-top: 1em; } .bad { color: #b00; } .terms { color: #333; }
</style>
</head>
<body>
<h1>Evaluation report</h1>
<table>
<tr><th>model</th><td>${escapeXml(resolve(r.modelPath))}</td></tr>
<tr><th>data</th><td>${escapeXml(r.dataPath)} (${escapeXml(r.layout)})</td></tr>
<tr><th>documents</th><td>${report.n}</td></tr>
<tr><th>accuracy</th><td>${pct(report.accuracy)}</td></tr>
<tr><th>macro-F1</th><td>${pct(report.macroF1)}</td></tr>
</table>
<h2>Per class</h2>
${perClassTableHtml(report.perClass)}
<h2>Confusion matrix</h2>
<p><img src="${REPORT_FILES.confusion}" width="${heat.width}" height="${heat.height}" alt="confusion matrix heatmap: rows are true classes, columns predicted"></p>
<h2>Misclassified texts (${report.n - report.confusion.reduce((s, row, i) => s + row[i], 0)} in all; the ${errors.length} most confident shown)</h2>
${errorHtml || '<p>None.</p>'}
</body>
</html>
`;
  const index = join(dir, REPORT_FILES.index);
  atomicWriteFile(index, html);
  return index;
}
