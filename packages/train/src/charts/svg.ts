/**
 * SVG building blocks shared by every chart: escaping and the document wrapper. Charts are
 * plain SVG strings so they can be written next to their PNG (svgToPng in @tensorkit/data)
 * and inspected or embedded in HTML reports without a browser.
 */

/** DejaVu Sans is the font librsvg finds on a stock Linux; the others are fallbacks elsewhere. */
export const CHART_FONT = 'DejaVu Sans, Arial, sans-serif';

/** Distinguishable line colours (the matplotlib "tab10" start). */
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'] as const;

/**
 * Escapes text for SVG/HTML element content and attribute values. Control characters have no
 * XML form at all (librsvg rejects the whole document), so they become U+FFFD.
 */
export function escapeXml(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A complete SVG document of the given size on a white background. */
export function svgDocument(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${CHART_FONT}">`
    + `<rect width="100%" height="100%" fill="white"/>${body}</svg>`;
}
