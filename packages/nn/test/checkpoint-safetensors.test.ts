import { afterAll, describe, expect, it } from 'vitest';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, randn, Tensor, tensor } from '@tensorkit/core';
import {
  decodeCheckpoint, decodeSafetensors, encodeCheckpoint, encodeSafetensors, fromBFloat16Bits, fromHalfBits, loadSafetensors, loadSafetensorsSync,
  saveSafetensors, saveSafetensorsSync, toBFloat16Bits, toHalfBits,
} from '../src/checkpoint/index.js';
import { writeFileAtomic, writeFileAtomicSync } from '../src/checkpoint/atomic-write.js';

const dir = mkdtempSync(join(tmpdir(), 'tk-safetensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file from a raw header string (padded with spaces to 8 bytes) and raw data bytes, exactly as the spec lays it out. */
function rawFile(header: string, data: number[] | Uint8Array, headerLength?: bigint): Uint8Array {
  const h = new TextEncoder().encode(header);
  const padded = Math.ceil(h.length / 8) * 8;
  const out = new Uint8Array(8 + padded + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(padded), true);
  out.set(h, 8);
  out.fill(0x20, 8 + h.length, 8 + padded);
  out.set(data, 8 + padded);
  return out;
}

describe('IEEE half / bfloat16 conversion', () => {
  it('every half bit pattern round-trips exactly (NaN stays NaN)', () => {
    const bad: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const x = fromHalfBits(h);
      const ok = Number.isNaN(x)
        ? (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0 && Number.isNaN(fromHalfBits(toHalfBits(x)))
        : toHalfBits(x) === h && Math.fround(x) === x;
      if (!ok) bad.push(h);
    }
    expect(bad).toEqual([]);
  });

  it('rounds to nearest even, with subnormals, overflow and signed zero', () => {
    const cases: [number, number][] = [
      [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [65519, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00], [-Infinity, 0xfc00],
      [2 ** -14, 0x0400], [2 ** -24, 0x0001], [2 ** -25, 0x0000], [1.5 * 2 ** -25, 0x0001], [3 * 2 ** -25, 0x0002],
      [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [-0, 0x8000], [0.1, 0x2e66], [1 / 3, 0x3555],
      [2 ** -14 - 2 ** -25, 0x0400], // rounds up from the largest subnormal into the smallest normal
    ];
    for (const [x, h] of cases) expect(toHalfBits(x).toString(16)).toBe(h.toString(16));
    expect(toHalfBits(NaN) & 0x7c00).toBe(0x7c00);
  });

  it('random float32 values map to the nearest half (error ≤ half an ulp; ties to even)', () => {
    const g = new Generator(4);
    for (let i = 0; i < 2000; i++) {
      const x = Math.fround(g.normal() * 2 ** g.randint(-26, 17));
      const h = toHalfBits(x);
      if (Math.abs(x) >= 65520) {
        expect(h & 0x7fff).toBe(0x7c00); // beyond the rounding boundary of the largest half: ±Infinity
        continue;
      }
      const err = Math.abs(fromHalfBits(h) - x);
      for (const n of [h - 1, h + 1]) {
        if ((n & 0x7fff) >= 0x7c00 || n < 0 || ((h ^ n) & 0x8000) !== 0) continue;
        const other = Math.abs(fromHalfBits(n) - x);
        expect(err <= other).toBe(true);
        if (err === other) expect(h % 2).toBe(0);
      }
      if (Math.abs(x) >= 2 ** -14 && Math.abs(x) < 65504) expect(err / Math.abs(x)).toBeLessThanOrEqual(2 ** -11);
    }
  });

  it('bfloat16 keeps float32 range with 8 significant bits', () => {
    expect(toBFloat16Bits(1)).toBe(0x3f80);
    expect(toBFloat16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie → even
    expect(toBFloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(fromBFloat16Bits(0x7f80)).toBe(Infinity);
    expect(fromBFloat16Bits(toBFloat16Bits(3e38))).toBeCloseTo(3e38, -36);
    for (let h = 0; h < 65536; h += 7) if (!Number.isNaN(fromBFloat16Bits(h))) expect(toBFloat16Bits(fromBFloat16Bits(h))).toBe(h);
  });
});

describe('safetensors byte layout', () => {
  // Written by hand from the spec: {"__metadata__":{"format":"pt"},"weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}
  // is 90 bytes, padded with six spaces to 96; data: 1.0 = 0x3f800000, -2.5 = 0xc0200000 (little-endian).
  const header = '{"__metadata__":{"format":"pt"},"weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
  const fixture = Uint8Array.from([
    96, 0, 0, 0, 0, 0, 0, 0,
    ...new TextEncoder().encode(header), 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0,
  ]);

  it('loads a hand-built file', () => {
    expect(header.length).toBe(90);
    const { tensors, metadata, storedDTypes } = decodeSafetensors(fixture);
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.weight.dtype).toBe('float32');
    expect(tensors.weight.shape).toEqual([2]);
    expect(tensors.weight.toArray()).toEqual([1, -2.5]);
    expect(storedDTypes).toEqual({ weight: 'F32' });
  });

  it('our writer produces the same bytes', () => {
    expect(encodeSafetensors({ weight: tensor([1, -2.5]) }, { metadata: { format: 'pt' } })).toEqual(fixture);
  });

  it('orders tensors as the reference writer does: by dtype, widest alignment first, then by name, so each tensor\'s data is aligned', () => {
    // Reference Dtype order ascending: BOOL, U8, …, F16, BF16, I32, …, F32, F64, I64. Name order alone would put the F64 at offset 1.
    const bytes = encodeSafetensors({ a_mask: tensor([true]), b_weight: tensor([1.5], { dtype: 'float64' }), c: tensor([2]) });
    const expected = rawFile(
      '{"b_weight":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"c":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"a_mask":{"dtype":"BOOL","shape":[1],"data_offsets":[12,13]}}',
      [0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0, 0, 0, 0x40, 1],
    );
    expect(bytes).toEqual(expected);
    // Every stored dtype we write, shuffled names: I64 > F64 > F32 > I32 > BF16 > F16 > U8 > BOOL, names ascending within one.
    const t = (dtype: 'float32' | 'int32') => tensor([1], { dtype });
    const all = encodeSafetensors(
      { z: t('float32'), h: t('float32'), b: t('float32'), i64: t('int32'), y: t('int32'), f64: t('float32'), bf: t('float32'), u8: tensor([1], { dtype: 'uint8' }), m: tensor([false]) },
      { storeAs: { z: 'F16', h: 'F32', b: 'F32', i64: 'I64', f64: 'F64', bf: 'BF16' } },
    );
    const n = Number(new DataView(all.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(all.subarray(8, 8 + n))) as Record<string, { dtype: string; data_offsets: [number, number] }>;
    expect(Object.keys(header)).toEqual(['i64', 'f64', 'b', 'h', 'y', 'bf', 'z', 'u8', 'm']);
    for (const e of Object.values(header)) expect(e.data_offsets[0] % { I64: 8, F64: 8, F32: 4, I32: 4, BF16: 2, F16: 2, U8: 1, BOOL: 1 }[e.dtype]!).toBe(0);
    // Reading does not depend on the order: a name-ordered file (as written before) still loads.
    const old = rawFile(
      '{"a_mask":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]},"b_weight":{"dtype":"F64","shape":[1],"data_offsets":[1,9]}}',
      [1, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f],
    );
    expect(decodeSafetensors(old).tensors.b_weight.toArray()).toEqual([1.5]);
  });

  it('several dtypes: I32 before F16 (dtype order), offsets contiguous, header padded to 8', () => {
    const bytes = encodeSafetensors({ b: tensor([1, -2]), a: tensor([7], { dtype: 'int32' }) }, { storeAs: { b: 'F16' } });
    const expected = rawFile(
      '{"a":{"dtype":"I32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F16","shape":[2],"data_offsets":[4,8]}}',
      [7, 0, 0, 0, 0x00, 0x3c, 0x00, 0xc0],
    );
    expect(bytes).toEqual(expected);
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
  });
});

describe('safetensors round trips', () => {
  const g = new Generator(1);
  const tensors: Record<string, Tensor> = {
    f32: randn([3, 4], { generator: g }),
    f64: randn([2, 2, 2], { dtype: 'float64', generator: g }),
    i32: tensor([[-2147483648, 0], [5, 2147483647]], { dtype: 'int32' }),
    u8: tensor([0, 1, 255], { dtype: 'uint8' }),
    flags: tensor([true, false, true]),
    scalar: new Tensor(Float32Array.from([3.5]), [], 'float32'),
    empty: new Tensor(new Float32Array(0), [0, 3], 'float32'),
  };

  it('save → load gives identical tensors for every dtype (async and sync, non-contiguous input)', async () => {
    const path = join(dir, 'all.safetensors');
    await saveSafetensors(path, { ...tensors, transposed: tensors.f32.T }, { metadata: { note: 'hi' } });
    const loaded = await loadSafetensors(path);
    for (const [name, t] of Object.entries(tensors)) {
      expect(loaded.tensors[name].dtype).toBe(t.dtype);
      expect(loaded.tensors[name].shape).toEqual(t.shape);
      expect(Array.from(loaded.tensors[name].toTypedArray())).toEqual(Array.from(t.toTypedArray()));
    }
    expect(loaded.tensors.transposed.toArray()).toEqual(tensors.f32.T.toArray());
    expect(loaded.metadata).toEqual({ note: 'hi' });
    saveSafetensorsSync(path, { x: tensors.f64 });
    expect(loadSafetensorsSync(path).tensors.x.toArray()).toEqual(tensors.f64.toArray());
    // No temporary files are left behind.
    expect(readdirSync(dir).filter((f) => /\.tmp$|\.\d+$/.test(f))).toEqual([]);
  });

  it('a failed save leaves the previous file and no temporary file; a name too long for the temporary file is refused in words', async () => {
    const sub = join(dir, 'atomic');
    mkdirSync(join(sub, 'taken.safetensors', 'x'), { recursive: true }); // a non-empty folder where the file should go
    await expect(saveSafetensors(join(sub, 'taken.safetensors'), { x: tensors.f32 })).rejects.toThrow();
    expect(() => saveSafetensorsSync(join(sub, 'taken.safetensors'), { x: tensors.f32 })).toThrow();
    const name = `${'m'.repeat(240)}.safetensors`; // 252 bytes: a legal name, but not with a temp suffix
    const long = join(sub, name);
    saveSafetensorsSync(join(sub, 'short.safetensors'), { x: tensors.f64 });
    renameSync(join(sub, 'short.safetensors'), long); // the file exists: only its temporary file would be too long
    const why = `${long}: the file name is 252 bytes: too long for the temporary file an atomic write needs beside it; use at most 244`;
    await expect(saveSafetensors(long, { x: tensors.f32 })).rejects.toThrow(why);
    expect(() => saveSafetensorsSync(long, { x: tensors.f32 })).toThrow(why);
    expect(loadSafetensorsSync(long).tensors.x.toArray()).toEqual(tensors.f64.toArray());
    expect(readdirSync(sub).sort()).toEqual([name, 'taken.safetensors'].sort());
    const longest = join(sub, `${'n'.repeat(232)}.safetensors`); // 244 bytes
    await saveSafetensors(longest, { x: tensors.f32 });
    saveSafetensorsSync(longest, { x: tensors.f32 });
    expect(loadSafetensorsSync(longest).tensors.x.toArray()).toEqual(tensors.f32.toArray());
    expect(readdirSync(sub)).toHaveLength(3);
  });

  it('refuses, naming the file, more than one atomic write can take (2 GiB - 1 bytes), before writing anything', async () => {
    const path = join(dir, 'huge', 'model.safetensors');
    const huge = new Uint8Array(2 ** 31); // never written: the check comes first
    const why = `${path}: cannot save 2147483648 bytes atomically: at most 2147483647 (2 GiB - 1) can be written at once`;
    await expect(writeFileAtomic(path, huge)).rejects.toThrow(why);
    expect(() => writeFileAtomicSync(path, huge)).toThrow(why);
  });

  it('saves through a symlink to its target instead of replacing the link', async () => {
    const sub = join(dir, 'linked');
    mkdirSync(join(sub, 'real'), { recursive: true });
    writeFileSync(join(sub, 'real', 'model.safetensors'), 'old');
    symlinkSync(join('real', 'model.safetensors'), join(sub, 'model.safetensors'));
    await saveSafetensors(join(sub, 'model.safetensors'), { x: tensors.f32 });
    saveSafetensorsSync(join(sub, 'model.safetensors'), { x: tensors.f64 });
    expect(lstatSync(join(sub, 'model.safetensors')).isSymbolicLink()).toBe(true);
    expect(loadSafetensorsSync(join(sub, 'real', 'model.safetensors')).tensors.x.toArray()).toEqual(tensors.f64.toArray());
    expect(readdirSync(join(sub, 'real'))).toEqual(['model.safetensors']);
  });

  it('refuses a value the narrower stored type would turn into Infinity, naming the tensor and element', () => {
    // F16 holds ±65504 (65519.9 rounds down to it); 70000 used to be written and load as Infinity.
    const ok = decodeSafetensors(encodeSafetensors({ w: tensor([65504, 65519.9, -65504, Infinity]) }, { storeAs: 'F16' })).tensors.w;
    expect(Array.from(ok.toTypedArray())).toEqual([65504, 65504, -65504, Infinity]);
    expect(() => encodeSafetensors({ a: tensor([1]), w: tensor([0, -70000]) }, { storeAs: 'F16' })).toThrow(
      "safetensors: tensor 'w': element 1 is -70000, beyond what F16 holds (it would load as -Infinity); store this tensor as F32",
    );
    expect(() => encodeSafetensors({ w: tensor([3.4e38]) }, { storeAs: 'BF16' })).toThrow("tensor 'w': element 0 is 3.3999999521443642e+38, beyond what BF16 holds");
    expect(() => encodeSafetensors({ w: tensor([1e300], { dtype: 'float64' }) }, { storeAs: 'F32' })).toThrow('beyond what F32 holds (it would load as Infinity); store this tensor as F64');
  });

  it('refuses an int32 that F32 storage would round, naming the tensor and element', () => {
    const exact = tensor([16777216, -16777216, 2 ** 30, 7], { dtype: 'int32' });
    expect(Array.from(decodeSafetensors(encodeSafetensors({ n: exact }, { storeAs: { n: 'F32' } })).tensors.n.toTypedArray())).toEqual([16777216, -16777216, 2 ** 30, 7]);
    expect(() => encodeSafetensors({ n: tensor([0, 2147483647], { dtype: 'int32' }) }, { storeAs: { n: 'F32' } })).toThrow(
      "safetensors: tensor 'n': element 1 is 2147483647, which F32 cannot hold exactly (it would load as 2147483648; integers are exact up to 2^24 = 16777216); store this tensor as I32 or F64",
    );
    expect(() => encodeSafetensors({ n: tensor([16777217], { dtype: 'int32' }) }, { storeAs: { n: 'F32' } })).toThrow('element 0 is 16777217, which F32 cannot hold exactly');
    const wide = decodeSafetensors(encodeSafetensors({ n: tensor([2147483647], { dtype: 'int32' }) }, { storeAs: { n: 'F64' } })).tensors.n;
    expect(wide.item()).toBe(2147483647);
  });

  it('F16 / BF16 storage: float32 on load, within half an ulp of the stored format', () => {
    const x = randn([1000], { generator: g, std: 10 });
    const half = decodeSafetensors(encodeSafetensors({ x, n: tensors.i32 }, { storeAs: 'F16' }));
    expect(half.storedDTypes).toEqual({ x: 'F16', n: 'I32' });
    const bf = decodeSafetensors(encodeSafetensors({ x }, { storeAs: 'BF16' })).tensors.x.toTypedArray();
    const xs = x.toTypedArray();
    half.tensors.x.toTypedArray().forEach((v, i) => {
      const a = Math.abs(xs[i]);
      expect(Math.abs(v - xs[i])).toBeLessThanOrEqual(a >= 2 ** -14 ? a * 2 ** -11 : 2 ** -25);
      expect(Math.abs(bf[i] - xs[i])).toBeLessThanOrEqual(a * 2 ** -8);
    });
  });

  it('I64 is written and read back as int32; out-of-range I64 values are rejected', () => {
    const back = decodeSafetensors(encodeSafetensors({ ids: tensors.i32 }, { storeAs: { ids: 'I64' } }));
    expect(back.storedDTypes.ids).toBe('I64');
    expect(back.tensors.ids.toArray()).toEqual(tensors.i32.toArray());
    const big = rawFile('{"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', [0, 0, 0, 0x80, 0, 0, 0, 0]);
    expect(() => decodeSafetensors(big, 'big.st')).toThrow("safetensors: big.st: tensor 'ids': element 0 = 2147483648 does not fit in int32");
  });

  it('rejects impossible storage conversions', () => {
    expect(() => encodeSafetensors({ f: tensors.flags }, { storeAs: { f: 'F16' } })).toThrow("tensor 'f' of dtype bool cannot be stored as F16");
  });
});

describe('tensor and metadata names that are Object.prototype members', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
  /** A record with own keys `names` (a computed key, unlike `__proto__:`, defines an own property). */
  const record = <T>(value: (i: number) => T): Record<string, T> => Object.fromEntries(names.map((n, i) => [n, value(i)]));

  it('round-trip as ordinary names, in tensors, stored dtypes and __metadata__', () => {
    const tensors = { ...record((i) => tensor([i, -i])), plain: tensor([7]) };
    expect(Object.keys(tensors)).toContain('__proto__');
    const bytes = encodeSafetensors(tensors, { metadata: record((i) => `v${i}`), storeAs: { constructor: 'F16' as const, toString: 'F64' as const } });
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))));
    expect(header).toContain('"__metadata__":{"__proto__":"v0","constructor":"v1","hasOwnProperty":"v3","toString":"v2"}');
    expect(header).toContain('"__proto__":{"dtype":"F32"');
    const back = decodeSafetensors(bytes, 'names.safetensors');
    expect(Object.keys(back.tensors).sort()).toEqual([...names, 'plain'].sort());
    names.forEach((n, i) => expect(Object.getOwnPropertyDescriptor(back.tensors, n)?.value.toArray()).toEqual([i, -i]));
    // The record itself is not corrupted: its prototype was not replaced by a tensor.
    expect(Object.getPrototypeOf(back.tensors)).toBe(null);
    expect(Object.getOwnPropertyDescriptor(back.storedDTypes, '__proto__')?.value).toBe('F32');
    expect(back.storedDTypes.constructor).toBe('F16');
    expect(back.storedDTypes.toString).toBe('F64');
    expect(Object.entries(back.metadata).sort()).toEqual(names.map((n, i) => [n, `v${i}`]).sort());
  });

  it('a name absent from the file is absent from the result (no inherited members)', () => {
    const back = decodeSafetensors(encodeSafetensors({ w: tensor([1]) }));
    expect('constructor' in back.tensors || 'toString' in back.metadata || '__proto__' in back.storedDTypes).toBe(false);
    // A per-tensor storeAs record does not lend 'constructor' to a tensor of that name.
    expect(decodeSafetensors(encodeSafetensors({ constructor: tensor([1]) }, { storeAs: { w: 'F16' } })).storedDTypes.constructor).toBe('F32');
  });

  it('a training checkpoint keeps a model weight named __proto__ or constructor', () => {
    const state = record((i) => tensor([i + 0.5]));
    const model = { stateDict: () => state, loadStateDict: () => undefined };
    const { tensors, metadata } = encodeCheckpoint({ model, epoch: 0, step: 0 });
    const ckpt = decodeCheckpoint(decodeSafetensors(encodeSafetensors(tensors, { metadata })), 'ckpt.safetensors');
    expect(Object.keys(ckpt.modelState).sort()).toEqual([...names].sort());
    names.forEach((n, i) => expect(Object.getOwnPropertyDescriptor(ckpt.modelState, n)?.value.toArray()).toEqual([i + 0.5]));
  });

  it('decodes a hand-written file with a __proto__ tensor', () => {
    const file = rawFile('{"__metadata__":{"__proto__":"m"},"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', [0, 0, 0x80, 0x3f]);
    const { tensors, metadata } = decodeSafetensors(file);
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(tensors, '__proto__')?.value.toArray()).toEqual([1]);
    expect(Object.keys(metadata)).toEqual(['__proto__']);
  });
});

describe('malformed safetensors files', () => {
  const good = encodeSafetensors({ a: tensor([1, 2]), b: tensor([3]) });
  const entry = (dtype: string, shape: number[], begin: number, end: number) => `{"dtype":"${dtype}","shape":[${shape}],"data_offsets":[${begin},${end}]}`;
  const twelve = new Array(12).fill(0);

  it.each([
    ['too short', Uint8Array.from([1, 2, 3]), 'too short for the 8-byte header length'],
    ['header length larger than the file', rawFile('{}', [], 1_000_000_000_000n), 'header length 1000000000000 is larger than'],
    ['header length u64 max', rawFile('{}', [], 0xffffffffffffffffn), 'is larger than'],
    ['truncated data', good.subarray(0, good.length - 2), 'run past the end of the data buffer'],
    ['header not JSON', rawFile('{"a": [1,}', []), 'header is not valid JSON'],
    ['header not an object', rawFile('[1, 2]', []), 'header must be a JSON object'],
    ['overlapping offsets', rawFile(`{"x":${entry('F32', [2], 0, 8)},"y":${entry('F32', [2], 4, 12)}}`, twelve), "tensors 'x' and 'y' overlap"],
    ['gap between tensors', rawFile(`{"x":${entry('F32', [1], 0, 4)},"y":${entry('F32', [1], 8, 12)}}`, twelve), "gap of 4 bytes before tensor 'y'"],
    ['offsets past the end', rawFile(`{"x":${entry('F32', [4], 0, 16)}}`, twelve), "tensor 'x': data_offsets [0, 16] run past the end"],
    ['trailing bytes', rawFile(`{"x":${entry('F32', [2], 0, 8)}}`, twelve), 'has 4 bytes after the last tensor'],
    ['unknown dtype', rawFile(`{"x":${entry('F7', [3], 0, 12)}}`, twelve), "tensor 'x': unknown dtype 'F7'"],
    ['unsupported dtype', rawFile(`{"x":${entry('F8_E4M3', [12], 0, 12)}}`, twelve), "dtype 'F8_E4M3' is not supported"],
    ['shape / size mismatch', rawFile(`{"x":${entry('F32', [2, 2], 0, 12)}}`, twelve), 'shape [2, 2] of F32 needs 16 bytes but data_offsets [0, 12] hold 12'],
    ['absurd shape', rawFile(`{"x":${entry('F32', [1e15, 1e15], 0, 12)}}`, twelve), 'needs'],
    ['duplicate names', rawFile(`{"x":${entry('F32', [1], 0, 4)},"x":${entry('F32', [2], 4, 12)}}`, twelve), "duplicate tensor name 'x'"],
    ['bad offsets', rawFile(`{"x":{"dtype":"F32","shape":[3],"data_offsets":[12,0]}}`, twelve), 'data_offsets must be [begin, end]'],
    ['non-string metadata', rawFile(`{"__metadata__":{"k":1},"x":${entry('F32', [3], 0, 12)}}`, twelve), "__metadata__ value for 'k' must be a string"],
  ])('%s', (_name, bytes, message) => {
    expect(() => decodeSafetensors(bytes, 'model.safetensors')).toThrow(`safetensors: model.safetensors: `);
    expect(() => decodeSafetensors(bytes, 'model.safetensors')).toThrow(message);
  });

  it('rejects huge dimensions beside a zero one, whose product is NaN, naming the tensor', () => {
    // 40 × (2^53 - 1) is Infinity and Infinity × 0 is NaN: this used to fail as "needs NaN bytes".
    const dims = [...new Array<number>(40).fill(Number.MAX_SAFE_INTEGER), 0];
    expect(() => decodeSafetensors(rawFile(`{"x":${entry('F32', dims, 0, 0)}}`, []), 'model.safetensors')).toThrow(
      /^safetensors: model\.safetensors: tensor 'x': shape \[9007199254740991, .*, 0\] has more elements than a tensor can count \(its dimensions before the 0 multiply past any representable size\)$/,
    );
    const { tensors } = decodeSafetensors(rawFile(`{"x":${entry('F32', [0, ...dims], 0, 0)}}`, []), 'model.safetensors');
    expect(tensors.x.size).toBe(0);
  });

  it('errors name the file on disk', async () => {
    const path = join(dir, 'broken.safetensors');
    writeFileSync(path, good.subarray(0, good.length - 1));
    await expect(loadSafetensors(path)).rejects.toThrow(`safetensors: ${path}: `);
  });
});
