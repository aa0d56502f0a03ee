import { describe, expect, it } from 'vitest';
import type { Explanation } from '../src/classifier.js';
import { explanationHtml, segmentText } from '../src/explain.js';

describe('explanation rendering', () => {
  it('maps token values back onto the original spelling, punctuation kept', () => {
    const seg = segmentText('Oil-price SHOCK, again!', [0.5, 0.25, 1, -0.5])!;
    expect(seg.map((s) => s.text).join('')).toBe('Oil-price SHOCK, again!');
    expect(seg.filter((s) => s.value !== null).map((s) => s.value)).toEqual([0.75, 1, -0.5]);
    // token counts that do not line up give null (the caller shows plain text)
    expect(segmentText('two words', [1])).toBeNull();
  });

  it('escapes the text in the HTML page', () => {
    const ex: Explanation = {
      tokens: ['script', 'alert'], labels: ['A', 'B'], logits: [1, 0], probabilities: [0.73, 0.27], target: 0, reference: 1,
      difference: 1, bias: 0.25, terms: [{ term: 'script', kind: 'word', start: 0, end: 1, value: 0.75 }], tokenValues: [0.75, 0], method: 'exact',
    };
    const text = '<script>alert</script>';
    const html = explanationHtml(ex, segmentText(text, ex.tokenValues), text, 'm.safetensors', 5);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert&lt;/script&gt;');
  });
});
