import { describe, expect, it } from 'vitest';
import { align, classificationReport, confusionMatrix, errorRates, EarlyStopping, formatConfusionMatrix } from '@tensorkit/train';

describe('classification metrics', () => {
  it('computes accuracy, per-class scores and macro-F1 by hand', () => {
    // true: 0 0 1 1 2 ; pred: 0 1 1 1 0
    const cm = confusionMatrix([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], 3);
    expect(cm).toEqual([[1, 1, 0], [0, 2, 0], [1, 0, 0]]);
    const r = classificationReport(cm, ['a', 'b', 'c']);
    expect(r.accuracy).toBeCloseTo(3 / 5);
    // class a: P=1/2 R=1/2 F1=1/2; b: P=2/3 R=1 F1=0.8; c: 0
    expect(r.perClass[0].f1).toBeCloseTo(0.5);
    expect(r.perClass[1].precision).toBeCloseTo(2 / 3);
    expect(r.perClass[1].f1).toBeCloseTo(0.8);
    expect(r.macroF1).toBeCloseTo((0.5 + 0.8 + 0) / 3);
  });

  it('averages macro-F1 over the classes present when the test set holds a subset of them', () => {
    const r = classificationReport([[3, 0, 0], [1, 2, 0], [0, 0, 0]], ['a', 'b', 'c']);
    const f1a = (2 * 0.75 * 1) / 1.75;
    const f1b = (2 * 1 * (2 / 3)) / (1 + 2 / 3);
    expect(r.macroF1).toBeCloseTo((f1a + f1b) / 2, 10);
    expect(r.perClass).toHaveLength(3);
    // A class that is predicted but absent from the test set still counts (its F1 is 0).
    expect(classificationReport([[2, 1], [0, 0]], ['a', 'b']).macroF1).toBeCloseTo(0.4, 10);
    expect(classificationReport([[0, 0], [0, 0]], ['a', 'b']).macroF1).toBe(0);
  });

  it('keeps confusion-table labels apart when cutting them to 10 characters would make them equal', () => {
    const cm = [[5, 1], [2, 7]];
    expect(formatConfusionMatrix(cm, ['talk.politics.guns', 'talk.politics.misc']).split('\n')).toEqual([
      '           true\\pred     1     2',
      'talk.politics.guns 1     5     1',
      'talk.politics.misc 2     2     7',
    ]);
    // Distinct short labels keep the usual layout.
    expect(formatConfusionMatrix(cm, ['World', 'Sports']).split('\n')[0]).toBe('true\\pred  World Sports');
  });

  it('rejects out-of-range classes', () => {
    expect(() => confusionMatrix([0, 3], [0, 0], 3)).toThrow(/sample 1/);
    expect(() => confusionMatrix([0, 1], [0, 1.5], 3)).toThrow('confusionMatrix: sample 1 has class 1/1.5; classes must be integers');
  });
});

describe('classification metrics on malformed input', () => {
  it('refuses a fractional class count, and a confusion matrix that is not square counts, instead of giving NaN', () => {
    expect(() => confusionMatrix([0], [0], 1.5)).toThrow('confusionMatrix: numClasses must be a non-negative integer, got 1.5');
    // A short row used to give support NaN and n NaN, with a macro-F1 that looked fine.
    expect(() => classificationReport([[1, 2], [3]], ['a', 'b'])).toThrow('classificationReport: row 1 of the confusion matrix has 1 entries, expected 2 (a 2×2 matrix)');
    expect(() => classificationReport([[1, -1], [0, 2]], ['a', 'b'])).toThrow('classificationReport: confusion[0][1] is -1, expected a non-negative count');
    expect(() => classificationReport([[1, NaN], [0, 2]], ['a', 'b'])).toThrow('confusion[0][1] is NaN');
    expect(classificationReport(confusionMatrix([], [], 0), []).macroF1).toBe(0);
  });
});

describe('edit distance', () => {
  it('aligns words with substitutions, insertions and deletions', () => {
    const a = align(['one', 'two', 'three'], ['one', 'too', 'three', 'four']);
    expect(a.distance).toBe(2);
    expect(a.ops.map((o) => o.op)).toEqual(['equal', 'substitute', 'equal', 'insert']);
  });

  it('computes corpus WER and CER', () => {
    const r = errorRates(['one two', 'three'], ['one two', 'tree']);
    expect(r.wer).toBeCloseTo(1 / 3);
    // chars: "one two" (7) + "three" (5) = 12; errors: 1 deletion of 'h'
    expect(r.cer).toBeCloseTo(1 / 12);
    expect(r.sentenceAccuracy).toBeCloseTo(0.5);
  });

  it('does not call errors against empty references a rate of 0', () => {
    // An empty reference among others only adds its insertions to the errors.
    expect(errorRates(['one two', ''], ['one two', 'six']).wer).toBeCloseTo(1 / 2);
    const none = errorRates(['', ' '], ['three seven', '']);
    expect(none).toMatchObject({ wer: Infinity, cer: Infinity, wordErrors: 2, refWords: 0, sentenceAccuracy: 0.5 });
    expect(errorRates([''], [''])).toMatchObject({ wer: 0, cer: 0, sentenceAccuracy: 1 });
  });
});

describe('early stopping', () => {
  it('stops after patience epochs without improvement', () => {
    const es = new EarlyStopping(2);
    expect(es.observe(0.5, 0)).toBe(true);
    expect(es.observe(0.4, 1)).toBe(false);
    expect(es.shouldStop).toBe(false);
    es.observe(0.5, 2);
    expect(es.shouldStop).toBe(true);
    expect(es.bestEpoch).toBe(0);
  });

  it('restores a state saved as JSON before any score was observed', () => {
    const saved = JSON.parse(JSON.stringify(new EarlyStopping(3).state())); // best: -Infinity → null
    const es = new EarlyStopping(3);
    es.restore(saved);
    expect(es.best).toBe(-Infinity);
    expect(es.observe(0, 1)).toBe(true);
    expect(es.state()).toEqual({ best: 0, bestEpoch: 1, bad: 0, mode: 'max' });
  });

  it("mode 'min' watches a loss directly, and its state round-trips through JSON", () => {
    const es = new EarlyStopping(2, 0.01, { mode: 'min' });
    expect(es.best).toBe(Infinity);
    expect(es.observe(0.5, 1)).toBe(true);
    expect(es.observe(0.495, 2)).toBe(false); // within minDelta
    expect(es.observe(0.3, 3)).toBe(true);
    expect(es.observe(0.4, 4)).toBe(false);
    expect(es.state()).toEqual({ best: 0.3, bestEpoch: 3, bad: 1, mode: 'min' });
    const restored = new EarlyStopping(2, 0.01, { mode: 'min' });
    restored.restore(JSON.parse(JSON.stringify(es.state())));
    expect(restored.state()).toEqual(es.state());
    expect(restored.observe(0.35, 5)).toBe(false);
    expect(restored.shouldStop).toBe(true);
    // Before any observation best is +Infinity, which JSON turns into null.
    const fresh = new EarlyStopping(3, 0, { mode: 'min' });
    fresh.restore(JSON.parse(JSON.stringify(new EarlyStopping(3, 0, { mode: 'min' }).state())));
    expect(fresh.best).toBe(Infinity);
    expect(fresh.observe(1e9, 1)).toBe(true);
  });

  it('refuses a state saved in the other mode; a state from before modes is max', () => {
    const loss = new EarlyStopping(3, 0, { mode: 'min' });
    expect(() => loss.restore(new EarlyStopping(3).state())).toThrow(
      "EarlyStopping.restore: the state was saved with mode 'max', but this EarlyStopping uses mode 'min'",
    );
    expect(() => loss.restore({ best: 0.9, bestEpoch: 2, bad: 0 })).toThrow(/saved with mode 'max'/);
    const acc = new EarlyStopping(3);
    acc.restore({ best: 0.9, bestEpoch: 2, bad: 1 });
    expect(acc.state()).toEqual({ best: 0.9, bestEpoch: 2, bad: 1, mode: 'max' });
    expect(() => acc.restore(loss.state())).toThrow("the state was saved with mode 'min', but this EarlyStopping uses mode 'max'");
    expect(() => new EarlyStopping(3, 0, { mode: 'lower' as never })).toThrow(`EarlyStopping: mode must be 'max' or 'min', got "lower"`);
  });

  it('refuses a patience or minDelta that would stop at once or never', () => {
    for (const bad of [-1, 0, 1.5, NaN, -Infinity]) {
      expect(() => new EarlyStopping(bad)).toThrow(
        `EarlyStopping: patience must be a positive integer (epochs without improvement) or Infinity, got ${bad}`,
      );
    }
    for (const bad of [-0.1, NaN, Infinity]) {
      expect(() => new EarlyStopping(2, bad)).toThrow(`EarlyStopping: minDelta must be a finite number ≥ 0, got ${bad}`);
    }
    // patience 1 stops at the first epoch without a new best; Infinity only tracks the best.
    const one = new EarlyStopping(1);
    expect(one.shouldStop).toBe(false);
    expect([one.observe(0.5, 1), one.shouldStop, one.observe(0.4, 2), one.shouldStop]).toEqual([true, false, false, true]);
    const never = new EarlyStopping(Infinity);
    for (let epoch = 1; epoch <= 5; epoch++) never.observe(0.1, epoch);
    expect([never.shouldStop, never.bestEpoch, never.state().bad]).toEqual([false, 1, 4]);
  });

  it('refuses a damaged state', () => {
    const es = new EarlyStopping(3);
    expect(() => es.restore({ best: 0.9, bestEpoch: 2, bad: NaN })).toThrow('EarlyStopping.restore: bad must be a non-negative integer, got NaN');
    expect(() => es.restore({ best: 0.9, bestEpoch: 2, bad: -1 })).toThrow('bad must be a non-negative integer, got -1');
    expect(() => es.restore({ best: NaN, bestEpoch: 2, bad: 0 })).toThrow('EarlyStopping.restore: best must be a number or null, got NaN');
    expect(() => es.restore({ best: 0.9, bestEpoch: 0.5, bad: 0 })).toThrow('EarlyStopping.restore: bestEpoch must be an integer, got 0.5');
  });
});
