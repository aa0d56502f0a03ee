/** safetensors files on disk: atomic saves, validated loads whose errors name the file. */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Tensor } from '@tensorkit/core';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';
import { decodeSafetensors, encodeSafetensors, type EncodeOptions, type SafetensorsContents } from './safetensors-codec.js';

export async function saveSafetensors(path: string, tensors: Record<string, Tensor> | ReadonlyMap<string, Tensor>, opts: EncodeOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, opts));
}

export function saveSafetensorsSync(path: string, tensors: Record<string, Tensor> | ReadonlyMap<string, Tensor>, opts: EncodeOptions = {}): void {
  writeFileAtomicSync(path, encodeSafetensors(tensors, opts));
}

export async function loadSafetensors(path: string): Promise<SafetensorsContents> {
  return decodeSafetensors(await readFile(path), path);
}

export function loadSafetensorsSync(path: string): SafetensorsContents {
  return decodeSafetensors(readFileSync(path), path);
}
