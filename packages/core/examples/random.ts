// Seeded, splittable randomness: one seed fixes every draw, and states can be saved.
import assert from 'node:assert/strict';
import { Generator, getDefaultGenerator, manualSeed, rand, randint, randn } from '@tensorkit/core';

// The same seed gives the same numbers, on any machine and backend.
const a = randn([2, 3], { generator: new Generator(42) });
const b = randn([2, 3], { generator: new Generator(42) });
assert.deepEqual(a.toArray(), b.toArray());

// Without a generator option, draws come from the process-wide default generator;
// manualSeed reseeds it in place (like torch.manual_seed).
manualSeed(3);
const first = rand([4]).toArray();
manualSeed(3);
assert.deepEqual(rand([4]).toArray(), first);
assert.equal(getDefaultGenerator(), manualSeed(3));

// split() derives independent streams, e.g. one for init and one for data order.
// Each split advances the parent by one draw, so the layout of a run is fixed by its seed.
const root = new Generator(1);
const initRng = root.split(0);
const dataRng = root.split(1);
assert.notDeepEqual(initRng.getState(), dataRng.getState());

// getState/setState capture a stream exactly (checkpoints store this JSON).
const order = dataRng.permutation(5);
const saved = dataRng.getState();
const next = randint(0, 100, [3], { generator: dataRng }).toArray();
const resumed = new Generator().setState(JSON.parse(JSON.stringify(saved)));
assert.deepEqual(randint(0, 100, [3], { generator: resumed }).toArray(), next);
assert.deepEqual([...order].sort(), [0, 1, 2, 3, 4]);

// Scalar draws are there too: uniform in [0, 1), normal, integers without modulo bias.
const g = new Generator(9);
const u = g.uniform();
assert.ok(u >= 0 && u < 1);
assert.ok(Number.isFinite(g.normal(0, 1)));
assert.ok([1, 2, 3].includes(g.randint(1, 4)));

console.log('permutation', Array.from(order), 'then', next);
