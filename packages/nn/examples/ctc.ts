// CTC: the loss on a hand-made matrix, greedy vs prefix-beam decoding, and a tiny fit.
import assert from 'node:assert/strict';
import { Generator, randn, tensor } from '@tensorkit/core';
import { Adam, ctcAlignable, ctcGreedyDecode, ctcLoss, ctcPrefixBeamSearch, LogProbMatrix } from '@tensorkit/nn';

const ALPHABET = ['-', 'a', 'b']; // class 0 is the blank
const text = (ids: number[]) => ids.map((i) => ALPHABET[i]).join('');

// Two frames, each: blank 0.55, 'a' 0.4, 'b' 0.05.
const frame = [0.55, 0.4, 0.05];
const lp = LogProbMatrix.fromProbs(Float64Array.from([...frame, ...frame]), 2, 3);

// Greedy takes the best class per frame: blank, blank → "" (p = 0.55² = 0.3025).
const greedy = ctcGreedyDecode(lp);
assert.equal(text(greedy.ids), '');
assert.equal(greedy.blankRate, 1);

// Prefix beam search sums over alignments: "a" = a a, a -, - a → 0.16 + 0.22 + 0.22 = 0.6.
const beams = ctcPrefixBeamSearch(lp, { beamWidth: 8 });
assert.equal(text(beams[0].ids), 'a');
assert.ok(Math.abs(Math.exp(beams[0].logProb) - 0.6) < 1e-12);
assert.equal(text(beams[1].ids), '');

// ctcLoss is -log p(target | input), summed over the same alignments. logProbs is
// [T, B, C] (batchFirst: [B, T, C]); targets are padded [B, S] int32 or concatenated 1-D.
const logProbs = tensor([[frame, frame], [frame, frame]]).log(); // [T=2, B=2, C=3]
const targets = tensor([[1, 0], [1, 2]], { dtype: 'int32' }); // "a" (padded), "ab"
const perSample = ctcLoss(logProbs, targets, [2, 2], [1, 2], { reduction: 'none' });
const [lossA, lossAB] = perSample.toArray() as number[];
assert.ok(Math.abs(lossA + Math.log(0.6)) < 1e-5); // target "a"
assert.ok(Math.abs(lossAB + Math.log(0.4 * 0.05)) < 1e-5); // target "ab" has one alignment

// "aa" needs a blank between the a's, so 3 frames: check data before training.
assert.equal(ctcAlignable([1, 1], 2), false);
assert.throws(() => ctcLoss(logProbs, [1, 1], [2, 2], [2, 0]), /sample 0 cannot be aligned: input length 2 < target length 2 \+ 1 repeated labels/);

// Decoders take a LogProbMatrix, which checks that rows are normalised: raw logits are refused.
assert.throws(() => LogProbMatrix.fromLogProbs(Float64Array.from([2, 1, 0]), 1, 3), /frame 0 does not hold log-probabilities/);

// A tiny fit: free logits for 5 frames learn to spell "ab" (the loss's gradient at work).
const logits = randn([5, 1, 3], { generator: new Generator(0), requiresGrad: true });
const opt = new Adam([logits], { lr: 0.1 });
for (let step = 0; step < 60; step++) {
  opt.zeroGrad();
  ctcLoss(logits.logSoftmax(-1), [1, 2], [5], [2]).backward();
  opt.step();
}
const learned = LogProbMatrix.fromTensor(logits.detach().logSoftmax(-1).select(1, 0));
assert.equal(text(ctcGreedyDecode(learned).ids), 'ab');
console.log('greedy:', JSON.stringify(text(greedy.ids)), 'beam:', beams.map((h) => `${text(h.ids) || '∅'} ${Math.exp(h.logProb).toFixed(4)}`).join(', '));
