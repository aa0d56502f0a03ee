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

/** Keys of an epoch record that are bookkeeping, not curves. */
const NOT_CURVES = new Set(['epoch', 'lr', 'samples_per_sec', 'epoch_seconds', 'elapsed_seconds', 'time']);

/**
 * Any run's curves from its history: a loss panel (`loss` and `val_loss`) and one panel per other
 * metric, train (`name`) and validation (`val_name`) together, in the order they first appear;
 * at most `maxPanels` panels. Missing and non-finite values are skipped.
 */
export function metricsCurveSvg(history: readonly Record<string, unknown>[], maxPanels = 4): string {
  const [train, val] = PALETTE;
  const names: string[] = ['loss'];
  for (const h of history) {
    for (const k of Object.keys(h)) {
      const name = k.startsWith('val_') ? k.slice(4) : k;
      if (!NOT_CURVES.has(name) && typeof h[k] === 'number' && !names.includes(name)) names.push(name);
    }
  }
  const points = (key: string): [number, number][] =>
    history.filter((h) => typeof h[key] === 'number').map((h) => [h.epoch as number, h[key] as number]);
  return curvesSvg(names.slice(0, maxPanels).map((name) => ({
    title: name,
    series: [
      { name: 'train', color: train, points: points(name) },
      { name: 'validation', color: val, points: points(`val_${name}`) },
    ].filter((s) => s.points.length > 0),
  })));
}
