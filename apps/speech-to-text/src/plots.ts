/** The training-curve image of a run folder: loss and validation error rates per epoch. */
import { svgToPng } from '@tensorkit/data';
import { atomicWriteFile, curvesSvg, PALETTE, type Series } from '@tensorkit/train';

export interface CurvePoint {
  epoch: number;
  loss: number;
  val: Record<string, { wer: number; cer: number; lexWer?: number }>;
}

export const CURVE_WIDTH = 900;
export const CURVE_HEIGHT = 360;

export function trainingCurveSvg(history: readonly CurvePoint[]): string {
  const loss: Series[] = [{ name: 'training CTC loss', color: PALETTE[0], points: history.map((h) => [h.epoch, h.loss]) }];
  const names = [...new Set(history.flatMap((h) => Object.keys(h.val)))];
  const err: Series[] = [];
  names.forEach((n, i) => {
    err.push({ name: `${n} WER % (word list)`, color: PALETTE[(2 * i + 1) % PALETTE.length], points: history.map((h) => [h.epoch, (h.val[n]?.lexWer ?? h.val[n]?.wer ?? NaN) * 100]) });
    err.push({ name: `${n} CER % (greedy)`, color: PALETTE[(2 * i + 2) % PALETTE.length], points: history.map((h) => [h.epoch, (h.val[n]?.cer ?? NaN) * 100]) });
  });
  return curvesSvg([
    { title: 'Training loss', yLabel: 'CTC loss', series: loss },
    { title: 'Validation error', yLabel: 'error %', yMin: 0, series: err },
  ], { width: CURVE_WIDTH, height: CURVE_HEIGHT });
}

/** Writes the curve as PNG to `path` and as SVG beside it (`curve.svg`: scalable, diffable), like the other apps' run folders. */
export async function writeTrainingCurve(path: string, history: readonly CurvePoint[]): Promise<void> {
  const svg = trainingCurveSvg(history);
  atomicWriteFile(path.replace(/\.png$/i, '') + '.svg', svg);
  atomicWriteFile(path, await svgToPng(svg));
}
