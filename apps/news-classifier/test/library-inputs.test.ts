/** The library API (NewsClassifier) with awkward inputs a program may pass. */
import { describe, expect, it } from 'vitest';
import { loadClassifier } from '../src/classifier.js';
import { FastTextNet, LinearBagNet } from '../src/model.js';

const HEADLINE = 'Stocks rally as Federal Reserve signals rate cut';

describe('NewsClassifier with awkward inputs (shipped AG News model)', () => {
  it('classifies a text holding one enormous "word" (a pasted base64 blob)', async () => {
    const clf = await loadClassifier(undefined);
    // Warm the character n-gram code on ordinary and long texts first: it is the optimised
    // code that went quadratic on one very long token (30 s for 200,000 letters, a 1 MB token
    // never finished; now ≈ 0.1 s — measured, not asserted: the suite's test timeout is the bound).
    clf.logits([HEADLINE]);
    clf.logits([HEADLINE.repeat(20_000)]);
    const logits = clf.logits(['x'.repeat(1_000_000)]);
    expect(Array.from(logits).every(Number.isFinite)).toBe(true);
  });

  it('explains a text holding one enormous "word"', async () => {
    // Warm the code that names character n-grams on ordinary and long words first (see above).
    const ag = await loadClassifier(undefined);
    ag.explain(HEADLINE);
    ag.explain(HEADLINE.repeat(2_000));
    ag.explain(`${'x'.repeat(50_000)} stocks`);
    const clf = await loadClassifier(undefined, '20news.safetensors');
    clf.logits(['x'.repeat(200_000)]);
    // Naming its character n-grams took 27 s after the calls above (now under a second).
    const ex = clf.explain('y'.repeat(200_000));
    expect(ex.terms[0].term).toBe('y'.repeat(200_000));
  });

  it('refuses class indices outside the labels and non-positive step counts instead of returning NaN', async () => {
    const clf = await loadClassifier(undefined);
    expect(() => clf.explain(HEADLINE, { target: 4 })).toThrow(/target must be a class index 0…3/);
    expect(() => clf.explain(HEADLINE, { target: -1 })).toThrow(/target must be a class index/);
    expect(() => clf.explain(HEADLINE, { reference: 1.5 })).toThrow(/reference must be a class index/);
    expect(() => clf.explain(HEADLINE, { method: 'ig', target: 9 })).toThrow(/target must be a class index/);
    expect(() => clf.explain(HEADLINE, { method: 'ig', steps: 0 })).toThrow(/steps must be a positive integer/);
    expect(() => clf.explain(HEADLINE, { method: 'ig', steps: 2.5 })).toThrow(/steps must be a positive integer/);
    const ok = clf.explain(HEADLINE, { method: 'ig', target: 0, steps: 1 });
    expect(Number.isFinite(ok.difference)).toBe(true);
    expect(ok.terms.every((t) => Number.isFinite(t.value))).toBe(true);
  });
});

describe('the news nets refuse constructor options they would ignore', () => {
  it('names the misspelt key and the one it stands for', () => {
    const loose = <T>(o: object) => o as T;
    expect(() => new FastTextNet(loose({ buckets: 8, numClasses: 2, dims: 4 }))).toThrow("FastTextNet: unknown option 'dims' (did you mean 'dim'?)");
    expect(() => new LinearBagNet(loose({ buckets: 8, num_classes: 2 }))).toThrow("LinearBagNet: unknown option 'num_classes' (did you mean 'numClasses'?)");
    expect(new LinearBagNet({ buckets: 8, numClasses: 2, vectorWords: 3 }).vectors?.shape).toEqual([3, 2]);
  });
});
