/** A benchmark case measured for one implementation in its own process. */
export interface CaseResult {
  value: number;
  unit: 'gflops' | 'samples/s';
  note?: string;
}

/** tensorkit-wasm is the build the runtime picks (relaxed SIMD where it validates); -portable forces the plain-SIMD build. */
export type Impl = 'tensorkit-js' | 'tensorkit-wasm' | 'tensorkit-wasm-portable' | 'tfjs-cpu' | 'tfjs-wasm';

export const GEMM_SIZES: Record<string, [number, number, number]> = {
  'gemm-128': [128, 128, 128],
  'gemm-256': [256, 256, 256],
  'gemm-512': [512, 512, 512],
  'gemm-1024': [1024, 1024, 1024],
  'gemm-64x784x128': [64, 784, 128],
};

export const TRAIN_CASES = ['train-mlp', 'train-cnn', 'train-text', 'train-gru'] as const;
export type TrainCase = (typeof TRAIN_CASES)[number];
