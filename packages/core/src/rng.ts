/**
 * Seeded, splittable pseudo-random generator (xoshiro128**, seeded through
 * SplitMix32). Every source of randomness in tensorkit — initialisers,
 * dropout, shuffling, augmentation — draws from a Generator, so one seed fixes
 * a whole run and `getState()`/`setState()` let checkpoints resume exactly.
 */
import { showValue } from './args.js';
import { checkOptions, optionKeys } from './options.js';

export interface GeneratorState {
  /** The four 32-bit words of the xoshiro128** state. */
  s: [number, number, number, number];
  /** A cached second normal deviate from Box–Muller, or null. */
  spareNormal: number | null;
}

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

// spare_normal from a hand-written or converted state would otherwise be dropped without a word.
const STATE_KEYS = optionKeys<GeneratorState>({ s: true, spareNormal: true });

function hashSeed(seed: number, stream: number): number {
  // Mix two 32-bit words so that nearby (seed, stream) pairs give unrelated seeds.
  const a = splitmix32(seed ^ Math.imul(stream + 1, 0x27d4eb2d))();
  return splitmix32(a ^ stream)();
}

/**
 * Throws unless [low, high) is a range of finite bounds, low ≤ high, whose width is finite too:
 * as torch's uniform_, a reversed range is an error, not draws outside it, and a NaN, an Infinity
 * or a width past the float64 range (-1e308 to 1e308) would draw NaN or Infinity. A few
 * comparisons and no allocation: Generator.uniformRange runs it on every draw.
 */
export function checkUniformRange(where: string, low: number, high: number): void {
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high && Number.isFinite(high - low))) {
    const overflow = Number.isFinite(low) && Number.isFinite(high) && low <= high ? ' (their difference overflows to Infinity)' : '';
    throw new Error(`${where}: need finite low ≤ high, got low ${showValue(low)} and high ${showValue(high)}${overflow}`);
  }
}

/**
 * Throws unless mean is finite and std finite and ≥ 0: as torch's normal_, a negative std would
 * silently mirror the draws, a NaN one make every draw NaN. Run on every Generator.normal draw.
 */
export function checkNormalParams(where: string, mean: number, std: number): void {
  if (!(Number.isFinite(mean) && Number.isFinite(std) && std >= 0)) {
    throw new Error(`${where}: need a finite mean and a finite std ≥ 0, got mean ${showValue(mean)} and std ${showValue(std)}`);
  }
}

export class Generator {
  // The state lives in an Int32Array, not in four number fields: words past the
  // small-integer range made every field store allocate a heap number (~25 ns a
  // draw, most of a dropout mask's cost). Same bits, so the same sequence.
  private readonly st = new Int32Array(4);
  private spare: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Re-seeds this generator in place. Accepts any finite number (taken modulo 2^32). */
  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) throw new Error(`Generator.manualSeed: seed must be a finite number, got ${seed}`);
    const next = splitmix32(Math.floor(seed) >>> 0);
    const st = this.st;
    st[0] = next();
    st[1] = next();
    st[2] = next();
    st[3] = next();
    if ((st[0] | st[1] | st[2] | st[3]) === 0) st[0] = 1;
    this.spare = null;
    return this;
  }

  /**
   * A new, independent generator derived from this one's next output and a
   * stream id, e.g. one per module or per data-loader worker. Advances this
   * generator by one draw.
   */
  split(stream = 0): Generator {
    return new Generator(hashSeed(this.nextUint32(), stream));
  }

  /** The next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const st = this.st;
    let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * Fills `out` with uniform draws in [0, 1): the same values, in the same order, as
   * out.length calls of uniform(), with the state kept in locals (a dropout mask's
   * hundreds of thousands of draws per step). Stored in out's precision.
   */
  fillUniform(out: Float32Array | Float64Array): void {
    const st = this.st;
    let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
    for (let i = 0; i < out.length; i++) {
      const hi = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 5;
      let t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
      const lo = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 6;
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
      out[i] = (hi * 67108864 + lo) / 9007199254740992;
    }
    st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;
  }

  /** Uniform in [low, high). */
  uniformRange(low: number, high: number): number {
    checkUniformRange('Generator.uniformRange', low, high);
    return low + (high - low) * this.uniform();
  }

  /** Normal deviate with the given mean and std ≥ 0 (Box–Muller, both deviates used). */
  normal(mean = 0, std = 1): number {
    checkNormalParams('Generator.normal', mean, std);
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [low, high) without modulo bias. */
  randint(low: number, high: number): number {
    const span = high - low;
    if (!Number.isInteger(low) || !Number.isInteger(high) || span <= 0) {
      throw new Error(`Generator.randint: need integers low < high, got [${low}, ${high})`);
    }
    if (span > 0x100000000) return low + Math.floor(this.uniform() * span);
    const limit = 0x100000000 - (0x100000000 % span);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return low + (x % span);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    // Outside [0, 1] (or NaN) it would silently act as 0 or 1.
    if (!(p >= 0 && p <= 1)) throw new Error(`Generator.bernoulli: p must be a probability in [0, 1], got ${p}`);
    return this.uniform() < p;
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) throw new Error(`Generator.permutation: n must be a non-negative integer, got ${n}`);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    this.shuffle(out);
    return out;
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: any }>(arr: T): T {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.randint(0, i + 1);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
    return arr;
  }

  getState(): GeneratorState {
    return { s: [this.st[0] >>> 0, this.st[1] >>> 0, this.st[2] >>> 0, this.st[3] >>> 0], spareNormal: this.spare };
  }

  setState(state: GeneratorState): this {
    // A word past 32 bits would be cut to its low bits (2**40 became 0, then read as an all-zero state).
    if (!state || !Array.isArray(state.s) || state.s.length !== 4 || state.s.some((w) => !(Number.isInteger(w) && w >= -0x80000000 && w <= 0xffffffff))) {
      throw new Error(`Generator.setState: expected {s: [four 32-bit integers], spareNormal}, got s = ${Array.isArray(state?.s) ? `[${state.s.join(',')}]` : String(state?.s)}`);
    }
    checkOptions('Generator.setState', state, STATE_KEYS, 'key');
    // xoshiro's all-zero state is a fixed point: every draw would be 0, and normal() would loop forever.
    if (state.s.every((w) => (w | 0) === 0)) throw new Error('Generator.setState: the state words must not all be 0 (xoshiro128** would then draw only zeros)');
    const spare = state.spareNormal ?? null;
    if (spare !== null && !(typeof spare === 'number' && Number.isFinite(spare))) {
      throw new Error(`Generator.setState: spareNormal must be a finite number or null, got ${JSON.stringify(spare)}`);
    }
    this.st.set(state.s.map((w) => w | 0));
    this.spare = spare;
    return this;
  }

  clone(): Generator {
    return new Generator().setState(this.getState());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

const defaultGenerator = new Generator(0);

/** The process-wide generator used when no explicit generator is passed. */
export function getDefaultGenerator(): Generator {
  return defaultGenerator;
}

/**
 * Seeds the process-wide default generator in place (like `torch.manual_seed`),
 * so references obtained earlier from getDefaultGenerator() see the new seed.
 */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
