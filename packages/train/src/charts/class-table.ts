/** The per-class precision/recall/F1/support table of an HTML evaluation report. */
import type { ClassScore } from '../metrics/classification.js';
import { escapeXml } from './svg.js';

export function perClassTableHtml(perClass: readonly ClassScore[]): string {
  const rows = perClass.map((c) =>
    `<tr><td>${escapeXml(c.label)}</td><td>${c.precision.toFixed(4)}</td><td>${c.recall.toFixed(4)}</td><td>${c.f1.toFixed(4)}</td><td>${c.support}</td></tr>`);
  return ['<table>', '<tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>', ...rows, '</table>'].join('\n');
}
