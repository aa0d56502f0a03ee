/**
 * Shared machinery of the multi-layer, optionally bidirectional recurrent
 * layers: PyTorch parameter names and init, input/state/lengths handling, and
 * the layer loop. Per layer and direction the input projection for all steps
 * is ONE matmul (recorded by core, so its gradient is one GEMM too); the
 * recurrence itself runs in a fused op (gru-op.ts / lstm-op.ts).
 */
import { concat, stack, Tensor, zeros, type Generator } from '@tensorkit/core';
import type { ModuleConfig, ModuleOptions } from '../../config.js';
import { Module } from '../../module.js';
import { dropout } from '../dropout.js';
import { checkPositiveInt, checkProbability, generatorOf, layerOptions, shapeStr, uniformTensor } from '../util.js';

export interface RNNFields {
  inputSize: number;
  hiddenSize: number;
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Default true. */
  bias?: boolean;
  /** Input/output as [B, T, F] instead of [T, B, F] (default false). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  /** Default false. */
  bidirectional?: boolean;
}

export interface RNNForwardOptions {
  /**
   * Valid steps per sequence, for right-padded batches: steps at or beyond a
   * sequence's length output zeros and leave its state untouched, and the
   * reverse direction starts at the sequence's own last valid step.
   */
  lengths?: Int32Array | readonly number[] | Tensor | null;
}

/** Per-direction recurrence: returns the packed [T + extra, B, H] result of the fused op. */
export interface DirectionInputs {
  xProj: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  /** Initial states for this layer-direction ([B, H] each): h, and c for LSTM. */
  states: Tensor[];
  steps: number;
  batch: number;
  lengths: Int32Array | null;
  reverse: boolean;
}

export abstract class RNNBase extends Module {
  abstract override readonly config: Required<RNNFields> & ModuleConfig;
  /** Dropout mask stream (null: the default generator at call time). */
  generator: Generator | null = null;

  protected static fill<T extends string>(type: T, opts: ModuleOptions<RNNFields & ModuleConfig>) {
    layerOptions(type, opts);
    return {
      type,
      inputSize: checkPositiveInt(type, 'inputSize', opts.inputSize),
      hiddenSize: checkPositiveInt(type, 'hiddenSize', opts.hiddenSize),
      numLayers: checkPositiveInt(type, 'numLayers', opts.numLayers ?? 1),
      bias: opts.bias ?? true,
      batchFirst: opts.batchFirst ?? false,
      dropout: checkProbability(type, 'dropout', opts.dropout ?? 0),
      bidirectional: opts.bidirectional ?? false,
    };
  }

  /** Registers weight_ih_l{k}[_reverse], weight_hh_…, bias_ih_…, bias_hh_… drawn from U(±1/√H), in PyTorch's order. */
  protected initParams(gates: number, opts: { generator?: Generator }): void {
    const c = this.config;
    const g = generatorOf(opts);
    this.generator = opts.generator ?? null;
    const H = c.hiddenSize;
    const bound = 1 / Math.sqrt(H);
    const dirs = c.bidirectional ? 2 : 1;
    for (let l = 0; l < c.numLayers; l++) {
      const inSize = l === 0 ? c.inputSize : H * dirs;
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        this.registerParameter(`weight_ih${sfx}`, uniformTensor([gates * H, inSize], bound, g));
        this.registerParameter(`weight_hh${sfx}`, uniformTensor([gates * H, H], bound, g));
        if (c.bias) {
          this.registerParameter(`bias_ih${sfx}`, uniformTensor([gates * H], bound, g));
          this.registerParameter(`bias_hh${sfx}`, uniformTensor([gates * H], bound, g));
        }
      }
    }
  }

  get numDirections(): number {
    return this.config.bidirectional ? 2 : 1;
  }

  /** Runs the fused op of one layer-direction. */
  protected abstract runDirection(inp: DirectionInputs): Tensor;

  private readLengths(lengths: RNNForwardOptions['lengths'], T: number, B: number): Int32Array | null {
    if (lengths === undefined || lengths === null) return null;
    const raw = lengths instanceof Tensor ? lengths.toTypedArray() : lengths;
    if (raw.length !== B) throw new Error(`${this.config.type}: lengths has ${raw.length} entries for a batch of ${B}`);
    const out = Int32Array.from(raw);
    let full = true;
    for (let b = 0; b < B; b++) {
      if (!(Number.isInteger(raw[b]) && raw[b] >= 0 && raw[b] <= T)) throw new Error(`${this.config.type}: lengths[${b}] = ${raw[b]} must be an integer in [0, ${T}]`);
      if (out[b] !== T) full = false;
    }
    // All full length: skip per-step masking.
    return full ? null : out;
  }

  /**
   * Shared forward: returns the [T, B, D·H] (or [B, T, D·H]) output and the
   * final states, one [layers·D, B, H] tensor per state kind.
   */
  protected run(input: Tensor, initial: (Tensor | null | undefined)[], opts: RNNForwardOptions): { output: Tensor; finals: Tensor[] } {
    const c = this.config;
    const name = c.type;
    this.tensorInput(input);
    if (input.rank !== 3 || input.shape[2] !== c.inputSize) {
      throw new Error(`${name}: input must be ${c.batchFirst ? '[B, T' : '[T, B'}, ${c.inputSize}], got ${shapeStr(input)}`);
    }
    const x = c.batchFirst ? input.transpose(0, 1) : input;
    const [T, B] = x.shape;
    const H = c.hiddenSize;
    const D = this.numDirections;
    const L = c.numLayers;
    const lengths = this.readLengths(opts.lengths, T, B);
    const dtype = this.param('weight_hh_l0').dtype;
    // Checked here so the error names the layer (the fused op would blame its weight_hh).
    if ((input.dtype === 'float32' || input.dtype === 'float64') && input.dtype !== dtype) {
      throw new Error(`${name}: input is ${input.dtype} but the parameters are ${dtype} (convert the input, or the module with .to('${input.dtype}'))`);
    }
    for (const s of initial) {
      if (s && (s.rank !== 3 || s.shape[0] !== L * D || s.shape[1] !== B || s.shape[2] !== H || s.dtype !== dtype)) {
        throw new Error(`${name}: initial state must be [${L * D}, ${B}, ${H}] ${dtype}, got ${shapeStr(s)} ${s.dtype}`);
      }
    }
    const zero = zeros([B, H], { dtype });
    let layerIn = x.reshape([T * B, x.shape[2]]);
    let layerOut: Tensor | null = null;
    const finals: Tensor[][] = initial.map(() => []);
    for (let l = 0; l < L; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const xProj = layerIn.matmul(this.param(`weight_ih${sfx}`).T);
        const states = initial.map((s) => (s ? s.select(0, l * D + d) : zero));
        const packed = this.runDirection({
          xProj, wHh: this.param(`weight_hh${sfx}`), bIh: this.optionalParam(`bias_ih${sfx}`), bHh: this.optionalParam(`bias_hh${sfx}`),
          states, steps: T, batch: B, lengths, reverse: d === 1,
        });
        outs.push(packed.slice(0, 0, T));
        finals.forEach((list, i) => list.push(packed.select(0, T + i)));
      }
      layerOut = D === 1 ? outs[0] : concat(outs, 2);
      if (l < L - 1) layerOut = dropout(layerOut, c.dropout, this.training, this.generator ?? undefined);
      layerIn = layerOut.reshape([T * B, D * H]);
    }
    const output = c.batchFirst ? layerOut!.transpose(0, 1) : layerOut!;
    return { output, finals: finals.map((list) => stack(list, 0)) };
  }
}
