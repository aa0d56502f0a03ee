/**
 * The TensorFlow.js peers, each given its fastest honest configuration.
 *
 * Two training kernels are missing or pathological in tfjs 4.22, and without
 * replacements the CNN and text cases measure a harness accident rather than
 * the library (2.5 samples/s, or no result within the 5-minute timeout):
 * - Conv2DBackpropFilter: tfjs-wasm has none; tfjs-cpu's reads every element
 *   through TensorBuffer.get (~40 s per CNN step here). We register, on both
 *   backends, the same filter gradient composed of the backend's own kernels
 *   (im2col columns from strided slices, then one BatchMatMul), so on
 *   wasm it runs on XNNPACK.
 * - UnsortedSegmentSum (the Embedding/gather gradient): tfjs-wasm has none;
 *   tfjs-cpu's loops over all numSegments (20,000 vocabulary rows) with four
 *   full-size ops each, minutes per step. We register an O(n) scatter-add.
 * Every replacement is listed in the result note and in the printed table.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Rank, Tensor, Tensor4D } from '@tensorflow/tfjs';
import { timeIt } from '../measure.js';
import { GEMM_SIZES, type CaseResult, type TrainCase } from './types.js';

type TF = typeof import('@tensorflow/tfjs');
interface Info {
  dataId: object;
  shape: number[];
  dtype: 'float32' | 'int32';
}

export async function loadTf(backend: 'cpu' | 'wasm'): Promise<{ tf: TF; note?: string }> {
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(join(dist, '/'));
  }
  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`tfjs backend ${backend} did not initialise`);
  await tf.ready();
  const note = registerTrainingKernels(tf, backend);
  return { tf, note };
}

/** Installs the two replacement kernels on `backend`; returns a note naming what was filled or replaced. */
function registerTrainingKernels(tf: TF, backend: 'cpu' | 'wasm'): string {
  const done: string[] = [];
  const install = (kernelName: string, kernelFunc: (args: { inputs: Record<string, Info>; attrs: Record<string, unknown> }) => Tensor, how: string) => {
    const had = tf.getKernel(kernelName, backend) !== undefined;
    if (had) tf.unregisterKernel(kernelName, backend);
    tf.registerKernel({ kernelName, backendName: backend, kernelFunc: kernelFunc as never });
    done.push(`${kernelName} ${had ? 'replaced' : 'filled'} (${how})`);
  };
  install('Conv2DBackpropFilter', (args) => conv2dBackpropFilter(tf, args.inputs, args.attrs), 'im2col by strided slices + BatchMatMul');
  install('UnsortedSegmentSum', (args) => unsortedSegmentSum(tf, args.inputs, args.attrs), 'O(n) scatter-add');
  return `tfjs-${backend}: ${done.join('; ')}`;
}

/**
 * Views a kernel input as a Tensor. The backend's reference count is raised
 * first, so the caller's dispose() drops only our reference, never the input.
 */
function asTensor<R extends Rank>(tf: TF, info: Info): Tensor<R> {
  tf.engine().backend.incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info) as Tensor<R>;
}

/**
 * dW[r, c, i, o] = sum over (b, y, x) of xPadded[b, y*s + r, x*s + c, i] * dy[b, y, x, o]:
 * im2col columns from one strided slice per tap, then one GEMM with dy.
 * Nested ops inside a kernel are not recorded on the gradient tape.
 */
function conv2dBackpropFilter(tf: TF, inputs: Record<string, Info>, attrs: Record<string, unknown>): Tensor {
  const x = asTensor<Rank.R4>(tf, inputs.x);
  const dy = asTensor<Rank.R4>(tf, inputs.dy);
  const filterShape = attrs.filterShape as [number, number, number, number];
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') throw new Error('Conv2DBackpropFilter replacement: only NHWC is supported');
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, attrs.strides as [number, number], 1, attrs.pad as 'same', attrs.dimRoundingMode as 'round' | undefined);
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, outHeight: oh, outWidth: ow, inChannels: ci, outChannels: co, batchSize: b } = info;
  const { top, bottom, left, right } = info.padInfo;
  const out = tf.tidy(() => {
    const xp = tf.pad(x as Tensor4D, [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]]);
    const dy2 = dy.reshape([b * oh * ow, co]);
    const taps: Tensor[] = [];
    for (let r = 0; r < fh; r++) {
      for (let c = 0; c < fw; c++) {
        const patch = tf.stridedSlice(xp, [0, r, c, 0], [b, r + (oh - 1) * sh + 1, c + (ow - 1) * sw + 1, ci], [1, sh, sw, 1]);
        taps.push(patch);
      }
    }
    // Columns ordered (r, c, i) match the filter layout [fh, fw, ci, co], so one GEMM gives dW.
    const cols = (taps.length === 1 ? taps[0] : tf.concat(taps, 3)).reshape([b * oh * ow, fh * fw * ci]);
    return tf.matMul(cols.transpose(), dy2).reshape(filterShape);
  });
  x.dispose();
  dy.dispose();
  return out;
}

/** out[segmentIds[i], ...] += x[i, ...] in one pass (tfjs-cpu's loops over every segment). */
function unsortedSegmentSum(tf: TF, inputs: Record<string, Info>, attrs: Record<string, unknown>): Tensor {
  const x = asTensor(tf, inputs.x);
  const ids = asTensor(tf, inputs.segmentIds);
  const numSegments = attrs.numSegments as number;
  const xv = x.dataSync() as Float32Array;
  const iv = ids.dataSync() as Int32Array;
  const inner = x.size / ids.size;
  const out = new Float32Array(numSegments * inner);
  for (let i = 0; i < iv.length; i++) {
    const seg = iv[i];
    if (seg < 0 || seg >= numSegments) continue; // tf drops out-of-range ids
    const src = i * inner;
    const dst = seg * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += xv[src + j];
  }
  const shape = [numSegments, ...x.shape.slice(ids.shape.length)];
  x.dispose();
  ids.dispose();
  return tf.tensor(out, shape, 'float32');
}

export async function tfGemm(tf: TF, name: string): Promise<CaseResult> {
  const [m, k, n] = GEMM_SIZES[name];
  const a = tf.randomUniform([m, k]);
  const b = tf.randomUniform([k, n]);
  const sec = await timeIt(() => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }, { samples: 5, minMs: 300 });
  return { value: (2 * m * n * k) / sec / 1e9, unit: 'gflops' };
}

function buildModel(tf: TF, which: TrainCase): { model: import('@tensorflow/tfjs').LayersModel; x: () => import('@tensorflow/tfjs').Tensor; y: import('@tensorflow/tfjs').Tensor; batch: number } {
  const L = tf.layers;
  if (which === 'train-mlp') {
    const model = tf.sequential({ layers: [L.flatten({ inputShape: [28, 28, 1] }), L.dense({ units: 128, activation: 'relu' }), L.dense({ units: 10 })] });
    return { model, x: () => tf.randomUniform([64, 28, 28, 1]), y: tf.oneHot(tf.randomUniform([64], 0, 10, 'int32'), 10), batch: 64 };
  }
  if (which === 'train-cnn') {
    const model = tf.sequential({
      layers: [
        L.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
        L.maxPooling2d({ poolSize: 2 }),
        L.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
        L.maxPooling2d({ poolSize: 2 }),
        L.flatten(),
        L.dense({ units: 128, activation: 'relu' }),
        L.dense({ units: 10 }),
      ],
    });
    return { model, x: () => tf.randomUniform([64, 28, 28, 1]), y: tf.oneHot(tf.randomUniform([64], 0, 10, 'int32'), 10), batch: 64 };
  }
  if (which === 'train-text') {
    const model = tf.sequential({ layers: [L.embedding({ inputDim: 20000, outputDim: 64, inputLength: 64 }), L.globalAveragePooling1d(), L.dense({ units: 4 })] });
    return { model, x: () => tf.randomUniform([64, 64], 0, 20000, 'int32'), y: tf.oneHot(tf.randomUniform([64], 0, 4, 'int32'), 4), batch: 64 };
  }
  const model = tf.sequential({ layers: [L.gru({ units: 128, inputShape: [100, 40] }), L.dense({ units: 10 })] });
  return { model, x: () => tf.randomUniform([32, 100, 40]), y: tf.oneHot(tf.randomUniform([32], 0, 10, 'int32'), 10), batch: 32 };
}

export async function tfTrain(tf: TF, which: TrainCase): Promise<CaseResult> {
  const { model, x, y, batch } = buildModel(tf, which);
  const optimizer = tf.train.adam(1e-3);
  const xs = x();
  const step = () => {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(xs) as import('@tensorflow/tfjs').Tensor) as import('@tensorflow/tfjs').Scalar, true);
    loss!.dataSync();
    loss!.dispose();
  };
  const sec = await timeIt(step, { warmup: 2, samples: 5, minMs: which === 'train-gru' || which === 'train-cnn' ? 1500 : 400 });
  return { value: batch / sec, unit: 'samples/s' };
}
