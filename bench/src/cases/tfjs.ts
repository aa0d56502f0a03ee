/**
 * The TensorFlow.js peers. tfjs-wasm lacks some training kernels
 * (Conv2DBackpropFilter, UnsortedSegmentSum); we fill them with the cpu
 * backend's implementation so the comparison runs, and say so.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { timeIt } from '../measure.js';
import { GEMM_SIZES, type CaseResult, type TrainCase } from './types.js';

type TF = typeof import('@tensorflow/tfjs');

export async function loadTf(backend: 'cpu' | 'wasm'): Promise<{ tf: TF; note?: string }> {
  const tf = await import('@tensorflow/tfjs');
  let note: string | undefined;
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(join(dist, '/'));
    note = fillMissingWasmKernels(tf);
  }
  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`tfjs backend ${backend} did not initialise`);
  await tf.ready();
  return { tf, note };
}

/** Registers cpu implementations for kernels tfjs-wasm does not have (computed through data round trips). */
function fillMissingWasmKernels(tf: TF): string | undefined {
  const filled: string[] = [];
  for (const kernelName of ['Conv2DBackpropFilter', 'UnsortedSegmentSum']) {
    if (tf.getKernel(kernelName, 'wasm')) continue;
    const cpuKernel = tf.getKernel(kernelName, 'cpu');
    if (!cpuKernel) continue;
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs, backend }) => {
        const wasmBackend = backend as unknown as { readSync(id: object): Float32Array | Int32Array; makeOutput(shape: number[], dtype: string): { dataId: object; shape: number[]; dtype: string }; typedArrayFromHeap(t: unknown): Float32Array | Int32Array };
        const cpu = tf.findBackend('cpu') as unknown as { makeTensorInfo(shape: number[], dtype: string, values: unknown): { dataId: object; shape: number[]; dtype: string }; readSync(id: object): Float32Array | Int32Array; disposeIntermediateTensorInfo(t: unknown): void };
        const cpuInputs: Record<string, { dataId: object; shape: number[]; dtype: string }> = {};
        for (const [k, t] of Object.entries(inputs)) {
          const info = t as unknown as { dataId: object; shape: number[]; dtype: string };
          cpuInputs[k] = cpu.makeTensorInfo(info.shape, info.dtype, wasmBackend.readSync(info.dataId));
        }
        const out = cpuKernel.kernelFunc({ inputs: cpuInputs as never, attrs, backend: cpu as never }) as unknown as { dataId: object; shape: number[]; dtype: string };
        const values = cpu.readSync(out.dataId);
        const result = wasmBackend.makeOutput(out.shape, out.dtype);
        wasmBackend.typedArrayFromHeap(result).set(values);
        for (const t of Object.values(cpuInputs)) cpu.disposeIntermediateTensorInfo(t);
        cpu.disposeIntermediateTensorInfo(out);
        return result as never;
      },
    });
    filled.push(kernelName);
  }
  return filled.length ? `filled missing wasm kernels with cpu implementations: ${filled.join(', ')}` : undefined;
}

export async function tfGemm(tf: TF, name: string): Promise<CaseResult> {
  const [m, k, n] = GEMM_SIZES[name];
  const a = tf.randomUniform([m, k]);
  const b = tf.randomUniform([k, n]);
  const sec = await timeIt(() => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }, { samples: 3, minMs: 300 });
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
  const sec = await timeIt(step, { warmup: 2, samples: 3, minMs: which === 'train-gru' || which === 'train-cnn' ? 1500 : 400 });
  return { value: batch / sec, unit: 'samples/s' };
}
