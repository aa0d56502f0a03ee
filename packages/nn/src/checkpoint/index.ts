/** safetensors I/O and resumable training checkpoints. */
export { type StateDictSource } from './state-dict-source.js';
export { toHalfBits, fromHalfBits, toBFloat16Bits, fromBFloat16Bits } from './minifloat.js';
export { type SafetensorsDType } from './safetensors-dtypes.js';
export { MAX_HEADER_BYTES } from './safetensors-header.js';
export { encodeSafetensors, decodeSafetensors, type EncodeOptions, type SafetensorsContents } from './safetensors-codec.js';
export { saveSafetensors, saveSafetensorsSync, loadSafetensors, loadSafetensorsSync } from './safetensors-file.js';
export {
  saveCheckpoint, loadCheckpoint, restoreCheckpoint, encodeCheckpoint, decodeCheckpoint, CHECKPOINT_FORMAT, CHECKPOINT_VERSION,
  type CheckpointParts, type LoadedCheckpoint, type RestoreTargets,
} from './training-checkpoint.js';
