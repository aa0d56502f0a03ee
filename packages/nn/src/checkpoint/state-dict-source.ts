/** What a checkpoint needs from a model (structurally satisfied by nn's Module). */
import type { Tensor } from '@tensorkit/core';

export interface StateDictSource {
  stateDict(): Record<string, Tensor>;
  loadStateDict(sd: Record<string, Tensor>, opts?: { strict?: boolean }): void;
  /** The model's constructor config, saved so a checkpoint can rebuild the model. */
  config?: unknown;
}
