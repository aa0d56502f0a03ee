/** tensorkit training steps for the four benchmark models (filled in once @tensorkit/nn exists). */
import type { TrainCase } from './types.js';

export function buildTrainStep(which: TrainCase): { step: () => void; batch: number } {
  throw new Error(`${which}: @tensorkit/nn is not available yet`);
}
