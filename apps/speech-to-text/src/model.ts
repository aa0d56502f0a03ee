/**
 * The acoustic model: convolutions over the log-mel frames — 2-D over time × frequency (the
 * default), or 1-D with the mel bands as channels — the first with a time stride (2: the
 * recurrent layers see 20 ms steps and run half as many sequential steps) → a bidirectional
 * GRU stack → a linear layer to the character classes. Output: per-frame logits for CTC.
 */
import { Tensor } from '@tensorkit/core';
import { checkOptionKeys, Conv1d, Conv2d, Dropout, GRU, LayerNorm, Linear, MaxPool2d, Module, type ModuleConfig, type OptionKeys } from '@tensorkit/nn';
import type { Generator } from '@tensorkit/core';

export interface SpeechModelConfig extends ModuleConfig {
  type: 'SpeechCTC';
  inputDim: number;
  convChannels: number;
  /** Convolution layers (the first subsamples; the others keep the length). */
  convLayers: number;
  /**
   * 'conv1d': mel bands are input channels of 1-D convolutions over time. 'conv2d': 2-D
   * convolutions over time × frequency (each halving the frequency axis by its stride), which
   * see a formant pattern the same wherever it sits — speakers differ by such shifts.
   * 'conv2d-pool': the same convolutions at every band, each followed by the maximum over 3
   * neighbouring bands (stride 2) instead: a pattern moved by a band or so reaches the same
   * unit, where a strided convolution sees it with other weights.
   */
  frontEnd?: FrontEndKind;
  /** Time subsampling of the first convolution (1, 2 or 3). */
  subsample: number;
  hiddenSize: number;
  numLayers: number;
  numClasses: number;
  dropout: number;
}

export type FrontEndKind = 'conv1d' | 'conv2d' | 'conv2d-pool';
export const FRONT_ENDS: readonly FrontEndKind[] = ['conv1d', 'conv2d', 'conv2d-pool'];

export const DEFAULT_MODEL: Omit<SpeechModelConfig, 'inputDim' | 'numClasses'> = {
  type: 'SpeechCTC', convChannels: 32, convLayers: 2, frontEnd: 'conv2d', subsample: 2, hiddenSize: 128, numLayers: 2, dropout: 0.1,
};

const CONFIG_KEYS: OptionKeys<SpeechModelConfig> = {
  type: true, inputDim: true, convChannels: true, convLayers: true, frontEnd: true, subsample: true, hiddenSize: true, numLayers: true, numClasses: true, dropout: true,
};

const K1 = 5;
const K2 = 3;

/** Output frames for `frames` input frames (the first convolution's length formula). */
export function modelOutputLength(subsample: number, frames: number): number {
  const pad = (K1 - 1) / 2;
  return Math.max(0, Math.floor((frames + 2 * pad - K1) / subsample) + 1);
}

/** The most weights `train` builds a model with (2^28: 1 GiB in float32, 4 GiB with gradients and Adam's moments). */
export const MAX_MODEL_WEIGHTS = 2 ** 28;

/**
 * The number of weights a model of this config holds, computed without allocating them, so that
 * `train` can refuse a size it could not build (`--hidden 100000000` failed deep in allocation).
 * A test checks it against `numParameters()` of built models of every front end.
 */
export function speechModelParameterCount(config: Omit<SpeechModelConfig, 'type' | 'dropout' | 'subsample'>): number {
  const { inputDim, convChannels: C, hiddenSize: H, numLayers, numClasses } = config;
  const convLayers = config.convLayers ?? 2;
  const twoD = config.frontEnd === 'conv2d' || config.frontEnd === 'conv2d-pool';
  let n = 0;
  let freq = inputDim;
  for (let i = 0; i < convLayers; i++) {
    const fanIn = twoD ? (i === 0 ? K1 * 5 : C * K2 * 3) : i === 0 ? inputDim * K1 : C * K2;
    n += fanIn * C + C;
    if (twoD) freq = Math.floor((freq - 1) / 2) + 1;
  }
  const featureSize = twoD ? C * freq : C;
  n += 2 * featureSize; // LayerNorm
  for (let l = 0; l < numLayers; l++) {
    const inSize = l === 0 ? featureSize : 2 * H;
    n += 2 * (3 * H * inSize + 3 * H * H + 6 * H); // both directions: weight_ih, weight_hh, two biases
  }
  return n + 2 * H * numClasses + numClasses;
}

/**
 * Zeroes the frames of h (time on `timeAxis`, batch on 0) at or past each sample's valid length.
 * The padding of a shorter utterance in a batch is zero going into the first convolution, but
 * relu(bias + …) after it, so without this the next convolution read it into the utterance's last
 * frames, and a transcript could change with the utterances it was batched with. Masked, each
 * utterance is computed as if it were alone.
 */
function maskPadding(h: Tensor, lengths: readonly number[], timeAxis: number): Tensor {
  const T = h.shape[timeAxis];
  if (lengths.every((l) => l >= T)) return h;
  const B = lengths.length;
  const mask = h.dtype === 'float64' ? new Float64Array(B * T) : new Float32Array(B * T);
  lengths.forEach((l, b) => mask.fill(1, b * T, b * T + Math.min(l, T)));
  const shape = h.shape.map((_, i) => (i === 0 ? B : i === timeAxis ? T : 1));
  return h.mul(new Tensor(mask, shape, h.dtype));
}

export class SpeechModel extends Module {
  readonly config: SpeechModelConfig;
  readonly convs: (Conv1d | Conv2d)[] = [];
  readonly norm: LayerNorm;
  readonly gru: GRU;
  readonly drop: Dropout;
  readonly out: Linear;
  /** conv2d-pool's max over 3 bands with stride 2 after each convolution (40 → 20 → 10 bands, as the strided kernels give). */
  readonly freqPool: MaxPool2d | null;
  /** Features per frame entering the GRU. */
  readonly featureSize: number;
  /** conv2d or conv2d-pool: the convolutions run over time × frequency on [B, 1, T, F]. */
  private readonly twoD: boolean;

  constructor(config: SpeechModelConfig, opts: { generator?: Generator } = {}) {
    super();
    // A misspelt key from a model file or a spread object would otherwise fall back to a default without a word.
    checkOptionKeys('SpeechCTC', config, CONFIG_KEYS, 'config key');
    const c = { ...config, convLayers: config.convLayers ?? 2 };
    if (c.frontEnd !== undefined && !FRONT_ENDS.includes(c.frontEnd)) throw new Error(`SpeechCTC: frontEnd must be ${FRONT_ENDS.map((f) => `'${f}'`).join(', ')}, got ${JSON.stringify(c.frontEnd)}`);
    this.config = c;
    if (![1, 2, 3].includes(c.subsample)) throw new Error(`SpeechCTC: subsample must be 1, 2 or 3, got ${c.subsample}`);
    if (!Number.isInteger(c.convLayers) || c.convLayers < 1) throw new Error(`SpeechCTC: convLayers must be a positive integer, got ${c.convLayers}`);
    const g = opts.generator;
    const twoD = (this.twoD = c.frontEnd === 'conv2d' || c.frontEnd === 'conv2d-pool');
    // conv2d-pool keeps every band through each convolution and halves them by pooling instead.
    const freqStride = c.frontEnd === 'conv2d-pool' ? 1 : 2;
    let freq = c.inputDim;
    for (let i = 0; i < c.convLayers; i++) {
      let conv: Conv1d | Conv2d;
      if (twoD) {
        // [B, C, T, F]: the first layer subsamples time; every layer halves frequency.
        conv = i === 0
          ? new Conv2d({ inChannels: 1, outChannels: c.convChannels, kernelSize: [K1, 5], stride: [c.subsample, freqStride], padding: [(K1 - 1) / 2, 2], generator: g })
          : new Conv2d({ inChannels: c.convChannels, outChannels: c.convChannels, kernelSize: [K2, 3], stride: [1, freqStride], padding: [(K2 - 1) / 2, 1], generator: g });
        // Either way the band count halves (rounding up): the strided kernels and the pool share that length formula.
        freq = Math.floor((freq - 1) / 2) + 1;
      } else {
        conv = i === 0
          ? new Conv1d({ inChannels: c.inputDim, outChannels: c.convChannels, kernelSize: K1, stride: c.subsample, padding: (K1 - 1) / 2, generator: g })
          : new Conv1d({ inChannels: c.convChannels, outChannels: c.convChannels, kernelSize: K2, padding: (K2 - 1) / 2, generator: g });
      }
      // Names conv1, conv2, … keep files of the two-layer model loadable.
      this.convs.push(this.addModule(`conv${i + 1}`, conv));
    }
    // No parameters: registering it changes no file, and shows it in the module tree.
    this.freqPool = c.frontEnd === 'conv2d-pool' ? this.addModule('pool', new MaxPool2d({ kernelSize: [1, 3], stride: [1, 2], padding: [0, 1] })) : null;
    this.featureSize = twoD ? c.convChannels * freq : c.convChannels;
    this.norm = this.addModule('norm', new LayerNorm({ normalizedShape: this.featureSize }));
    this.gru = this.addModule('gru', new GRU({
      inputSize: this.featureSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers, bidirectional: true, dropout: c.dropout, generator: g,
    }));
    this.drop = this.addModule('drop', new Dropout({ p: c.dropout, generator: g }));
    this.out = this.addModule('out', new Linear({ inFeatures: 2 * c.hiddenSize, outFeatures: c.numClasses, generator: g }));
  }

  /** Output frames for an input of `frames` frames. */
  outputLength(frames: number): number {
    return modelOutputLength(this.config.subsample, frames);
  }

  /**
   * x: [B, T, F] features (right-padded), lengths: valid frames per sample.
   * Returns time-major logits [T', B, C] and the valid output frames per sample.
   */
  forward(x: Tensor, lengths: readonly number[]): { logits: Tensor; lengths: number[] } {
    const outLengths = lengths.map((l) => this.outputLength(l));
    if (this.twoD) {
      let h = x.unsqueeze(1);
      for (const conv of this.convs) {
        h = conv.forward(h).relu();
        if (this.freqPool) h = this.freqPool.forward(h);
        h = this.masked(h, outLengths);
      }
      // [B, C, T', F'] → [T', B, C·F'] for the time-major GRU.
      const [B, C, T, F] = h.shape;
      h = this.norm.forward(h.permute(2, 0, 1, 3).reshape([T, B, C * F]));
      return this.recurrent(h, outLengths);
    }
    let h = x.transpose(1, 2);
    for (const conv of this.convs) h = this.masked(conv.forward(h).relu(), outLengths);
    // [B, C, T'] → [T', B, C] for the time-major GRU.
    h = this.norm.forward(h.permute(2, 0, 1));
    return this.recurrent(h, outLengths);
  }

  /**
   * Convolution outputs with the padding zeroed, when not training (see maskPadding). Training
   * keeps the padding its batches always had, so the shipped models' commands still reproduce
   * them step for step; retraining them with the mask is left for when they are next retrained.
   */
  private masked(h: Tensor, outLengths: readonly number[]): Tensor {
    return this.training ? h : maskPadding(h, outLengths, 2);
  }

  private recurrent(h: Tensor, outLengths: number[]): { logits: Tensor; lengths: number[] } {
    const { output } = this.gru.forward(h, { lengths: outLengths });
    const logits = this.out.forward(this.drop.forward(output));
    return { logits, lengths: outLengths };
  }
}
