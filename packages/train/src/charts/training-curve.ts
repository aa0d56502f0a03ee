/** Training-curve figures: line panels side by side, and the common loss + accuracy layout. */
import { linePanel, type LinePanelOptions } from './line-chart.js';
import { PALETTE, svgDocument } from './svg.js';

export type CurvePanel = Omit<LinePanelOptions, 'x' | 'y' | 'width' | 'height'>;

export const CURVE_SIZE = { width: 960, height: 380 } as const;

/** Panels laid out left to right, each the same width. */
export function curvesSvg(panels: readonly CurvePanel[], size: { width: number; height: number } = CURVE_SIZE): string {
  const w = size.width / Math.max(1, panels.length);
  const body = panels.map((p, i) => linePanel({ xLabel: 'epoch', ...p, x: i * w, y: 0, width: w, height: size.height })).join('');
  return svgDocument(size.width, size.height, body);
}

/** One epoch of a classifier's record; NaN validation values (no validation split) are skipped. */
export type ClassifierEpoch = {
  epoch: number;
  loss: number;
  val_loss: number;
  accuracy: number;
  val_accuracy: number;
};

/** Loss and accuracy (train and validation) vs epoch, side by side. */
export function lossAccuracyCurveSvg(history: readonly ClassifierEpoch[], lossTitle = 'loss'): string {
  const [train, val] = PALETTE;
  return curvesSvg([
    {
      title: lossTitle,
      series: [
        { name: 'train', color: train, points: history.map((h) => [h.epoch, h.loss]) },
        { name: 'validation', color: val, points: history.map((h) => [h.epoch, h.val_loss]) },
      ],
    },
    {
      title: 'accuracy (%)', yFormat: (v) => v.toFixed(2),
      series: [
        { name: 'train', color: train, points: history.map((h) => [h.epoch, 100 * h.accuracy]) },
        { name: 'validation', color: val, points: history.map((h) => [h.epoch, 100 * h.val_accuracy]) },
      ],
    },
  ]);
}
