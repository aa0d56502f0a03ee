import { describe, expect, it } from 'vitest';
import { imageInfo, svgToPng } from '@tensorkit/data';
import { confusionHeatmapSvg, curvesSvg, escapeXml, lossAccuracyCurveSvg, niceStep, perClassTableHtml } from '../src/index.js';

/** Parses the SVG with a strict check that every tag is closed in order (well-formed enough for librsvg and browsers). */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else if (!m[3]) stack.push(m[2]);
  }
  expect(stack).toEqual([]);
}

describe('charts', () => {
  it('escapes markup in text', () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
  });

  it('picks 1-2-5 tick steps', () => {
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(0.9, 5)).toBeCloseTo(0.2);
    expect(niceStep(37, 8)).toBe(5);
    expect(niceStep(0, 5)).toBeCloseTo(0.2);
  });

  it('draws a loss/accuracy curve with one point per epoch, skipping missing validation values', async () => {
    const history = [1, 2, 3].map((epoch) => ({ epoch, loss: 1 / epoch, val_loss: epoch === 2 ? NaN : 1.1 / epoch, accuracy: 0.5 + epoch / 10, val_accuracy: 0.45 + epoch / 10 }));
    const svg = lossAccuracyCurveSvg(history);
    assertWellFormed(svg);
    // 3 train-loss + 2 val-loss + 3 + 3 accuracy points.
    expect(svg.match(/<circle /g)?.length).toBe(11);
    const info = await imageInfo(await svgToPng(svg));
    expect([info.width, info.height]).toEqual([960, 380]);
  });

  it('lays out any number of panels side by side and survives an empty history', () => {
    const svg = curvesSvg([{ title: 'a', series: [] }, { title: 'b', series: [] }, { title: 'c<d', series: [] }], { width: 900, height: 300 });
    assertWellFormed(svg);
    expect(svg).toContain('translate(600,0)');
    expect(svg).toContain('c&lt;d');
  });

  it('shades the confusion heatmap by row share and prints every non-zero count', async () => {
    const m = [[50, 1, 0], [2, 40, 3], [0, 0, 9]];
    const { svg, width, height } = confusionHeatmapSvg(m, ['a', 'b', 'c']);
    assertWellFormed(svg);
    expect(svg.match(/<rect x=/g)?.length).toBe(9);
    for (const v of [50, 1, 2, 40, 3, 9]) expect(svg).toContain(`>${v}</text>`);
    const info = await imageInfo(await svgToPng(svg));
    expect([info.width, info.height]).toEqual([width, height]);
  });

  it('slants long column labels and supports different column labels', () => {
    const long = ['comp.os.ms-windows.misc', 'rec.sport.hockey'];
    const { svg } = confusionHeatmapSvg([[3, 1, 0], [0, 2, 1]], long, { colLabels: [...long, '(deleted)'], rowTitle: 'reference', colTitle: 'hypothesis' });
    assertWellFormed(svg);
    expect(svg).toContain('rotate(-60');
    expect(svg).toContain('(deleted)');
    expect(svg).toContain('>hypothesis<');
  });

  it('tabulates per-class scores with escaped labels', () => {
    const html = perClassTableHtml([{ label: 'a<b', precision: 0.5, recall: 1, f1: 2 / 3, support: 3 }]);
    assertWellFormed(html);
    expect(html).toContain('<tr><td>a&lt;b</td><td>0.5000</td><td>1.0000</td><td>0.6667</td><td>3</td></tr>');
  });

  it('draws nearly flat and very small series without hanging or ticks outside the panel', () => {
    const curve = (losses: number[]) => curvesSvg([{ title: 'loss', series: [{ name: 'train', color: '#000', points: losses.map((l, i) => [i + 1, l] as [number, number]) }] }]);
    for (const losses of [[70, 70.00000000000001], [1e-20, 3e-20], [2e-14, 5e-14]]) {
      const svg = curve(losses);
      assertWellFormed(svg);
      const ticks = [...svg.matchAll(/<line x1="\d+(?:\.\d+)?" x2="[\d.]+" y1="([-\d.]+)"/g)].map((m) => Number(m[1]));
      expect(ticks.length).toBeGreaterThan(1);
      expect(ticks.length).toBeLessThan(12);
      // Every y tick lies within the plot area (top 30 … bottom 380 - 42).
      for (const y of ticks) expect(y >= 30 && y <= 338).toBe(true);
    }
  });

  it('a yRange narrower than its values’ precision or an x far beyond 2^53 step by step draws, not hangs; a bad yRange is refused', () => {
    const panel = (points: [number, number][], yRange?: [number, number]) => curvesSvg([{ title: 't', series: [{ name: 'a', color: '#000', points }], yRange }]);
    for (const svg of [panel([[1, 1], [2, 2]], [70, 70.00000000000001]), panel([[1e17, 1], [1e17 + 16, 2]])]) {
      assertWellFormed(svg);
      const ticks = [...svg.matchAll(/<line x1="\d+(?:\.\d+)?" x2="[\d.]+" y1="([-\d.]+)"/g)];
      expect(ticks.length).toBeGreaterThan(0);
      expect(ticks.length).toBeLessThan(12);
    }
    for (const bad of [[1, 1], [2, 1], [0, NaN], [0, Infinity]] as [number, number][]) {
      expect(() => panel([[1, 1]], bad)).toThrow(/linePanel: yRange must be \[low, high\], two finite numbers with low < high/);
    }
  });

  it('renders labels holding control characters, which XML cannot carry', async () => {
    const { svg } = confusionHeatmapSvg([[1]], ['tab\tbell\u0007']);
    expect(svg).toContain('tab\tbell\ufffd');
    expect((await imageInfo(await svgToPng(svg))).format).toBe('png');
  });
});
