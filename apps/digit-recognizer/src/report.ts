/**
 * The HTML evaluation report: headline metrics, the per-class table, a
 * confusion-matrix heatmap and the most confident mistakes shown as images
 * (the 28×28 input the model saw and, for image folders, the original file),
 * each with its true and predicted label. Every file the page references is
 * written into the report folder.
 */
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { encodePng, svgToPng } from '@tensorkit/data';
import { atomicWriteFile, confusionHeatmapSvg, escapeXml, perClassTableHtml } from '@tensorkit/train';
import type { Evaluation } from './eval.js';
import type { LoadedModel } from './model-file.js';
import { IMAGE_SIZE, NUM_CLASSES } from './model.js';
import { plural } from './plural.js';
import { PIXELS } from './preprocess.js';

export const MAX_ERRORS_SHOWN = 48;
const ZOOM = 4;
const MAX_ORIGINAL_BYTES = 2 * 1024 * 1024;

/** Nearest-neighbour enlargement of a 28×28 byte image. */
export function zoomDigit(bytes: Uint8Array, zoom = ZOOM): Uint8Array {
  const side = IMAGE_SIZE * zoom;
  const out = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) out[y * side + x] = bytes[Math.floor(y / zoom) * IMAGE_SIZE + Math.floor(x / zoom)];
  }
  return out;
}

export interface ReportError {
  index: number;
  label: number;
  pred: number;
  confidence: number;
  top3: { digit: number; p: number }[];
}

/** Misclassified images, most confident mistakes first. */
export function worstErrors(ev: Evaluation, limit = MAX_ERRORS_SHOWN): ReportError[] {
  const { probs, preds } = ev.predictions;
  const out: ReportError[] = [];
  for (let i = 0; i < ev.set.n; i++) {
    if (preds[i] === ev.set.labels[i]) continue;
    const row = Array.from({ length: NUM_CLASSES }, (_, c) => ({ digit: c, p: probs[i * NUM_CLASSES + c] })).sort((a, b) => b.p - a.p);
    out.push({ index: i, label: ev.set.labels[i], pred: preds[i], confidence: row[0].p, top3: row.slice(0, 3) });
  }
  out.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  return out.slice(0, limit);
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

/** Writes DIR/index.html and its images; returns the path of index.html. */
export async function writeReport(dir: string, loaded: LoadedModel, ev: Evaluation): Promise<string> {
  const r = ev.report;
  mkdirSync(join(dir, 'errors'), { recursive: true });
  atomicWriteFile(join(dir, 'confusion.png'), await svgToPng(confusionHeatmapSvg(r.confusion, r.labels).svg));
  const errors = worstErrors(ev);
  const totalErrors = r.n - Math.round(r.accuracy * r.n);
  const figures: string[] = [];
  for (const [k, e] of errors.entries()) {
    const name = `errors/${String(k + 1).padStart(3, '0')}`;
    const bytes = ev.set.images.subarray(e.index * PIXELS, (e.index + 1) * PIXELS);
    atomicWriteFile(join(dir, `${name}.png`), await encodePng(zoomDigit(bytes), IMAGE_SIZE * ZOOM, IMAGE_SIZE * ZOOM));
    let original = '';
    const file = ev.set.files?.[e.index];
    if (file) {
      const ext = extname(file).toLowerCase();
      if (statSync(file).size <= MAX_ORIGINAL_BYTES) {
        copyFileSync(file, join(dir, `${name}-original${ext}`));
        original = `<img class="orig" src="${escapeXml(`${name}-original${ext}`)}" alt="original file">`;
      }
    }
    const where = file ? escapeXml(file) : `image #${e.index}`;
    const top = e.top3.map((t) => `${t.digit}: ${pct(t.p)}`).join(', ');
    figures.push(
      `<figure><div class="pics"><img src="${name}.png" width="${IMAGE_SIZE * ZOOM}" height="${IMAGE_SIZE * ZOOM}" alt="model input">${original}</div>`
      + `<figcaption><b>true ${e.label}</b> → predicted <b class="bad">${e.pred}</b> (${pct(e.confidence)})<br><small>${top}<br>${where}</small></figcaption></figure>`,
    );
  }
  const t = loaded.meta.training;
  const trained = t ? `<tr><th>trained</th><td>seed ${t.seed}, ${plural(t.epochs, 'epoch')}, validation accuracy ${pct(t.valAccuracy)}</td></tr>` : '';
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>digits eval report</title>
<style>
body { font-family: 'DejaVu Sans', Arial, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }
th { background: #f2f2f2; text-align: left; }
.errors { display: flex; flex-wrap: wrap; gap: 12px; }
figure { margin: 0; padding: 8px; border: 1px solid #ddd; width: 240px; }
.pics { display: flex; gap: 6px; align-items: flex-start; }
.pics img { image-rendering: pixelated; background: #000; }
.pics img.orig { max-width: 112px; max-height: 112px; background: none; }
.bad { color: #c00; }
</style>
</head>
<body>
<h1>Digit recognizer — evaluation</h1>
<table>
<tr><th>model</th><td>${escapeXml(resolve(loaded.path))} (${escapeXml(loaded.meta.arch)}, ${loaded.meta.storedAs})</td></tr>
${trained}
<tr><th>data</th><td>${escapeXml(ev.set.source)}</td></tr>
<tr><th>images</th><td>${r.n}</td></tr>
<tr><th>accuracy</th><td>${pct(r.accuracy)} (${r.n - totalErrors}/${r.n})</td></tr>
<tr><th>macro-F1</th><td>${r.macroF1.toFixed(4)}</td></tr>
</table>
<h2>Per class</h2>
${perClassTableHtml(r.perClass)}
<h2>Confusion matrix</h2>
<p>Rows are true digits, columns predictions; off-diagonal cells are mistakes (their colour scale is stretched so single errors show).</p>
<img src="confusion.png" alt="confusion matrix heatmap">
<h2>Most confident mistakes (${errors.length} of ${totalErrors})</h2>
<p>Each shows the 28×28 image the model saw${ev.set.files ? ' and the original file' : ''}, the true label, the prediction with its probability, and the top three classes.</p>
<div class="errors">
${figures.join('\n') || '<p>No mistakes.</p>'}
</div>
</body>
</html>
`;
  const index = join(dir, 'index.html');
  atomicWriteFile(index, html);
  return index;
}
