/** Orthonormal DCT-II basis, nOut × nIn row-major (scipy.fft.dct(type=2, norm='ortho'), as librosa and torchaudio use). */
export function dctMatrix(nOut: number, nIn: number): Float64Array {
  if (!Number.isInteger(nIn) || nIn < 1 || !Number.isInteger(nOut) || nOut < 1 || nOut > nIn) {
    throw new Error(`dctMatrix: need 1 ≤ nOut ≤ nIn, got nOut=${nOut}, nIn=${nIn}`);
  }
  const m = new Float64Array(nOut * nIn);
  for (let k = 0; k < nOut; k++) {
    const scale = k === 0 ? Math.sqrt(1 / nIn) : Math.sqrt(2 / nIn);
    for (let n = 0; n < nIn; n++) m[k * nIn + n] = scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * nIn));
  }
  return m;
}

const dctCache = new Map<string, Float64Array>();

/** MFCCs: DCT-II (orthonormal) of each log-mel frame, keeping the first nMfcc coefficients. */
export function mfcc(logMel: Float32Array, frames: number, nMels: number, nMfcc: number): Float32Array {
  if (logMel.length !== frames * nMels) throw new Error(`mfcc: expected ${frames}×${nMels} values, got ${logMel.length}`);
  const key = `${nMfcc}x${nMels}`;
  let basis = dctCache.get(key);
  if (!basis) {
    basis = dctMatrix(nMfcc, nMels);
    dctCache.set(key, basis);
  }
  const out = new Float32Array(frames * nMfcc);
  for (let t = 0; t < frames; t++) {
    const row = t * nMels;
    for (let k = 0; k < nMfcc; k++) {
      let acc = 0;
      const b = k * nMels;
      for (let n = 0; n < nMels; n++) acc += basis[b + n] * logMel[row + n];
      out[t * nMfcc + k] = acc;
    }
  }
  return out;
}
