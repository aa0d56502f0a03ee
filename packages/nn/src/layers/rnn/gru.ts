/** Multi-layer, optionally bidirectional GRU with PyTorch's parameters, gate layout and outputs. */
import type { Tensor } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../../config.js';
import { RNNBase, type DirectionInputs, type RNNFields, type RNNForwardOptions } from './base.js';
import { checkOptionKeys } from '../../options.js';
import { gruSequence } from './gru-op.js';

export interface GRUConfig extends ModuleConfig, RNNFields {
  type: 'GRU';
}

export interface GRUForwardOptions extends RNNForwardOptions {
  /** Initial hidden state [layers·dirs, B, H] (default zeros). */
  h0?: Tensor | null;
}

export interface GRUOutput {
  /** [T, B, dirs·H] (or [B, T, dirs·H] when batchFirst); zeros at padded steps. */
  output: Tensor;
  /** h_n [layers·dirs, B, H]: each sequence's state after its last valid step. */
  hidden: Tensor;
}

export class GRU extends RNNBase {
  readonly config: Required<GRUConfig>;

  constructor(opts: ModuleOptions<GRUConfig>) {
    super();
    this.config = RNNBase.fill('GRU', opts);
    this.checkOptions(opts);
    this.initParams(3, opts);
  }

  protected runDirection(inp: DirectionInputs): Tensor {
    return gruSequence({ ...inp, h0: inp.states[0] });
  }

  forward(input: Tensor, opts: GRUForwardOptions = {}): GRUOutput {
    // An unknown key (PyTorch's hx) would otherwise be ignored: zeros instead of the given state.
    checkOptionKeys('GRU.forward', opts, ['h0', 'lengths']);
    const { output, finals } = this.run(input, [opts.h0], opts);
    return { output, hidden: finals[0] };
  }
}
