/**
 * IEEE-754 style small floats (F16: 5 exponent / 10 mantissa bits; BF16:
 * 8 / 7) ↔ JS numbers. Encoding rounds to nearest, ties to even, directly
 * from the (float64) value, so float64 tensors are not double-rounded through
 * float32; subnormals, ±0, ±Infinity and NaN are handled. Node 20 has no
 * Math.f16round, hence our own.
 */

interface Format {
  expBits: number;
  mantBits: number;
}

export const HALF: Format = { expBits: 5, mantBits: 10 };
export const BFLOAT16: Format = { expBits: 8, mantBits: 7 };

/** floor(log2(a)) for a finite a > 0, exact (Math.log2 can be off by one near powers of two). */
function exponentOf(a: number): number {
  let e = Math.floor(Math.log2(a));
  while (2 ** e > a) e--;
  while (2 ** (e + 1) <= a) e++;
  return e;
}

function roundHalfEven(r: number): number {
  const f = Math.floor(r);
  const d = r - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}

export function encodeMinifloat(x: number, fmt: Format): number {
  const { expBits, mantBits } = fmt;
  const bias = (1 << (expBits - 1)) - 1;
  const expMax = (1 << expBits) - 1;
  const implicit = 2 ** mantBits;
  if (Number.isNaN(x)) return (expMax << mantBits) | (1 << (mantBits - 1));
  const sign = x < 0 || Object.is(x, -0) ? 1 << (expBits + mantBits) : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | (expMax << mantBits);
  if (a === 0) return sign;
  const minExp = 1 - bias;
  let e = Math.max(exponentOf(a), minExp);
  // Scaling by a power of two is exact, so q is the correctly rounded significand.
  let q = roundHalfEven(a * 2 ** (mantBits - e));
  if (q >= 2 * implicit) {
    q /= 2;
    e++;
  }
  if (q < implicit) return sign | q; // subnormal (or zero after rounding)
  const field = e + bias;
  if (field >= expMax) return sign | (expMax << mantBits);
  return sign | (field << mantBits) | (q - implicit);
}

export function decodeMinifloat(bits: number, fmt: Format): number {
  const { expBits, mantBits } = fmt;
  const bias = (1 << (expBits - 1)) - 1;
  const expMax = (1 << expBits) - 1;
  const sign = bits & (1 << (expBits + mantBits)) ? -1 : 1;
  const field = (bits >>> mantBits) & expMax;
  const mant = bits & ((1 << mantBits) - 1);
  if (field === expMax) return mant ? NaN : sign * Infinity;
  if (field === 0) return sign * mant * 2 ** (1 - bias - mantBits);
  return sign * (2 ** mantBits + mant) * 2 ** (field - bias - mantBits);
}

/** float → IEEE half bits. */
export function toHalfBits(x: number): number {
  return encodeMinifloat(x, HALF);
}

// Every half value, decoded once: loading a large F16 file is then one table lookup per element.
let halfTable: Float32Array | null = null;

/** IEEE half bits → float (exact in float32). */
export function fromHalfBits(h: number): number {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) halfTable[i] = decodeMinifloat(i, HALF);
  }
  return halfTable[h & 0xffff];
}

export function toBFloat16Bits(x: number): number {
  return encodeMinifloat(x, BFLOAT16);
}

export function fromBFloat16Bits(h: number): number {
  return decodeMinifloat(h, BFLOAT16);
}
