/** Multi-layer, optionally bidirectional LSTM with PyTorch's parameters, gate layout and outputs. */
import type { Tensor } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../../config.js';
import { RNNBase, type DirectionInputs, type RNNFields, type RNNForwardOptions } from './base.js';
import { checkOptionKeys } from '../../options.js';
import { lstmSequence } from './lstm-op.js';

export interface LSTMConfig extends ModuleConfig, RNNFields {
  type: 'LSTM';
}

export interface LSTMForwardOptions extends RNNForwardOptions {
  /** Initial hidden state [layers·dirs, B, H] (default zeros). */
  h0?: Tensor | null;
  /** Initial cell state [layers·dirs, B, H] (default zeros). */
  c0?: Tensor | null;
}

export interface LSTMOutput {
  /** [T, B, dirs·H] (or [B, T, dirs·H] when batchFirst); zeros at padded steps. */
  output: Tensor;
  /** h_n [layers·dirs, B, H]. */
  hidden: Tensor;
  /** c_n [layers·dirs, B, H]. */
  cell: Tensor;
}

export class LSTM extends RNNBase {
  readonly config: Required<LSTMConfig>;

  constructor(opts: ModuleOptions<LSTMConfig>) {
    super();
    this.config = RNNBase.fill('LSTM', opts);
    this.checkOptions(opts);
    this.initParams(4, opts);
  }

  protected runDirection(inp: DirectionInputs): Tensor {
    return lstmSequence({ ...inp, h0: inp.states[0], c0: inp.states[1] });
  }

  forward(input: Tensor, opts: LSTMForwardOptions = {}): LSTMOutput {
    checkOptionKeys('LSTM.forward', opts, ['h0', 'c0', 'lengths']);
    const { output, finals } = this.run(input, [opts.h0, opts.c0], opts);
    return { output, hidden: finals[0], cell: finals[1] };
  }
}
