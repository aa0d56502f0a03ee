import { tensor, type DType, type Tensor } from '@tensorkit/core';
import { collateArrays, type BoolArray, type CollateArraysOptions, type CollateField, type NumericArray, type PaddedArray, type StackedArray } from './collate.js';

export type TensorBatch<T> = { [K in keyof T & string]: T[K] extends string ? string[] : Tensor } & { [K in keyof T & string as `${K}Lengths`]?: Tensor };

/**
 * Core tensors hold float32/float64/int32/uint8/bool; other integer arrays widen to int32 (uint32 to float64, losslessly).
 * A BoolArray's 0/1 bytes become a bool tensor rather than uint8, so it works as a mask.
 */
export function arrayToTensor(x: StackedArray | BoolArray): Tensor {
  const d = x.data;
  let dtype: DType;
  if ('dtype' in x && x.dtype === 'bool') dtype = 'bool';
  else if (d instanceof Float32Array) dtype = 'float32';
  else if (d instanceof Float64Array || d instanceof Uint32Array) dtype = 'float64';
  else if (d instanceof Uint8Array) dtype = 'uint8';
  else dtype = 'int32';
  const data = d instanceof Float32Array || d instanceof Float64Array || d instanceof Int32Array || d instanceof Uint8Array ? d : widen(d, dtype);
  return tensor(data, { shape: x.shape, dtype });
}

function widen(d: NumericArray, dtype: DType): Float64Array | Int32Array {
  return dtype === 'float64' ? Float64Array.from(d) : Int32Array.from(d);
}

/**
 * collateArrays, then one tensor per field (string fields stay arrays of strings); a padded
 * field `x` also gets an int32 `xLengths` tensor.
 */
export function collateTensors<T extends { [key: string]: CollateField }>(items: readonly T[], opts: CollateArraysOptions<T> = {}): TensorBatch<T> {
  const arrays = collateArrays(items, opts) as Record<string, StackedArray | PaddedArray | BoolArray | string[]>;
  const out: Record<string, Tensor | string[]> = {};
  for (const [key, value] of Object.entries(arrays)) {
    if (Array.isArray(value)) {
      out[key] = value;
      continue;
    }
    out[key] = arrayToTensor(value);
    if ('lengths' in value) out[`${key}Lengths`] = tensor(value.lengths, { shape: [value.lengths.length], dtype: 'int32' });
  }
  return out as TensorBatch<T>;
}
