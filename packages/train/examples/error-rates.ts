// Corpus-level WER/CER, and the word alignment that says where each error is.
import assert from 'node:assert/strict';
import { align, errorRates, words } from '@tensorkit/train';

const refs = ['three one four', 'one five'];
const hyps = ['three four four', 'one  five nine '];

// Errors are summed over utterances and divided by the total reference length (jiwer's corpus WER).
const rates = errorRates(refs, hyps);
assert.deepEqual([rates.wordErrors, rates.refWords], [2, 5]); // one substitution + one insertion
assert.equal(rates.wer, 2 / 5);
// CER runs over characters of the whitespace-normalised strings: "one"→"four" costs 3, " nine" costs 5.
assert.deepEqual([rates.charErrors, rates.refChars], [8, 22]);
assert.equal(rates.cer, 8 / 22);
assert.equal(rates.sentenceAccuracy, 0);

// The alignment behind the numbers, for reports that mark each error.
const { distance, ops } = align(words(refs[0]), words(hyps[0]));
assert.equal(distance, 1);
assert.deepEqual(ops, [
  { op: 'equal', ref: 'three', hyp: 'three' },
  { op: 'substitute', ref: 'one', hyp: 'four' },
  { op: 'equal', ref: 'four', hyp: 'four' },
]);
assert.deepEqual(align(words(refs[1]), words(hyps[1])).ops.at(-1), { op: 'insert', hyp: 'nine' });

// Errors against an empty reference are not hidden as 0: the rate is Infinity.
assert.equal(errorRates([''], ['uh']).wer, Infinity);

const marked = ops.map((o) => (o.op === 'equal' ? o.ref : o.op === 'substitute' ? `[${o.ref}→${o.hyp}]` : o.op === 'delete' ? `[-${o.ref}]` : `[+${o.hyp}]`));
console.log(`WER ${(100 * rates.wer).toFixed(1)}%  CER ${(100 * rates.cer).toFixed(1)}%  ${marked.join(' ')}`);
