/**
 * `speech explain`: one picture of how the model heard a file — the log-mel spectrogram, the
 * per-frame CTC posteriors of every output symbol beneath it, and the decoded words placed at
 * the times the best CTC path gives them.
 */
import { basename, resolve } from 'node:path';
import { encodeRgbPng, svgToPng } from '@tensorkit/data';
import type { LogProbMatrix } from '@tensorkit/nn';
import { atomicWriteFile, escapeXml as esc, svgDocument, UserError } from '@tensorkit/train';
import { BLANK, LABELS, NUM_CLASSES } from './alphabet.js';
import { heatmapRgb } from './colormap.js';
import type { WordTiming } from './decode.js';
import { featuresFromFile, heardLogMel } from './features.js';
import { loadModel } from './model-file.js';
import { Recognizer } from './recognizer.js';

export interface ExplainOptions {
  file: string;
  out?: string;
  model: string;
  beam: number;
  useLexicon: boolean;
}

export interface Figure {
  png: Buffer;
  width: number;
  height: number;
}

export interface FigureInput {
  title: string;
  /** frames × nMels log-mel values (display only). */
  mel: { data: Float32Array; frames: number; nMels: number };
  /** Seconds per spectrogram frame. */
  melFrameSeconds: number;
  lp: LogProbMatrix;
  /** Seconds per posterior frame. */
  frameSeconds: number;
  words: readonly WordTiming[];
  duration: number;
  /** Reference words (eval reports) shown under the hypothesis. */
  reference?: string;
}

const LEFT = 70;
const RIGHT = 20;
const MEL_H = 200;
const POST_ROW = 9;
const GAP = 46;

function pngDataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** Renders the explanation figure as PNG. */
export async function renderExplanation(f: FigureInput): Promise<Figure> {
  const plotW = Math.max(600, Math.min(1600, Math.round(f.duration * 500)));
  const width = LEFT + plotW + RIGHT;
  const top = 44 + (f.reference !== undefined ? 18 : 0);
  const postTop = top + MEL_H + GAP;
  const postH = NUM_CLASSES * POST_ROW;
  const height = postTop + postH + 44;
  const sx = (sec: number) => LEFT + (sec / Math.max(f.duration, 1e-9)) * plotW;

  // Spectrogram, normalised to its own range (dB-like log power).
  const { data, frames, nMels } = f.mel;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  lo = Math.max(lo, hi - 12); // show the top ~50 dB (natural-log power units)
  const melPng = await encodeRgbPng(heatmapRgb(nMels, Math.max(1, frames), (r, c) => (frames ? (data[c * nMels + r] - lo) / (hi - lo || 1) : 0), true), Math.max(1, frames), nMels);
  const { lp } = f;
  const postPng = await encodeRgbPng(heatmapRgb(NUM_CLASSES, Math.max(1, lp.T), (r, c) => (lp.T ? Math.exp(lp.at(c, r)) : 0)), Math.max(1, lp.T), NUM_CLASSES);
  const melW = sx(frames * f.melFrameSeconds) - LEFT;
  const postW = sx(lp.T * f.frameSeconds) - LEFT;

  const parts: string[] = [];
  parts.push(`<text x="${LEFT}" y="20" font-size="15" font-weight="bold">${esc(f.title)}</text>`);
  parts.push(`<text x="${LEFT}" y="38" font-size="13">hypothesis: “${esc(f.words.map((w) => w.word).join(' '))}”</text>`);
  if (f.reference !== undefined) parts.push(`<text x="${LEFT}" y="56" font-size="13" fill="#555">reference: “${esc(f.reference)}”</text>`);
  parts.push(`<image x="${LEFT}" y="${top}" width="${melW.toFixed(1)}" height="${MEL_H}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${pngDataUri(melPng)}"/>`);
  parts.push(`<rect x="${LEFT}" y="${top}" width="${plotW}" height="${MEL_H}" fill="none" stroke="#333"/>`);
  parts.push(`<text transform="translate(16,${top + MEL_H / 2}) rotate(-90)" font-size="12" text-anchor="middle">log-mel bin</text>`);
  parts.push(`<text x="${LEFT - 6}" y="${top + MEL_H}" font-size="10" text-anchor="end">0</text>`);
  parts.push(`<text x="${LEFT - 6}" y="${top + 10}" font-size="10" text-anchor="end">${nMels - 1}</text>`);
  parts.push(`<image x="${LEFT}" y="${postTop}" width="${postW.toFixed(1)}" height="${postH}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${pngDataUri(postPng)}"/>`);
  parts.push(`<rect x="${LEFT}" y="${postTop}" width="${plotW}" height="${postH}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${LEFT}" y="${postTop - 6}" font-size="12">CTC posteriors per output frame (rows: symbols; bright = probable)</text>`);
  for (let c = 0; c < NUM_CLASSES; c++) {
    const label = c === BLANK ? 'blank' : LABELS[c] === ' ' ? 'space' : LABELS[c];
    parts.push(`<text x="${LEFT - 4}" y="${postTop + c * POST_ROW + POST_ROW - 1}" font-size="8" text-anchor="end">${esc(label)}</text>`);
  }
  // Words: a band between the panels plus guide lines through both panels.
  const bandY = top + MEL_H + 6;
  f.words.forEach((w, i) => {
    const x0 = sx(w.start);
    const x1 = Math.max(x0 + 1, sx(w.end));
    const colour = i % 2 ? '#d62728' : '#1f77b4';
    parts.push(`<rect x="${x0.toFixed(1)}" y="${bandY}" width="${(x1 - x0).toFixed(1)}" height="18" fill="${colour}" fill-opacity="0.18" stroke="${colour}"/>`);
    parts.push(`<text x="${((x0 + x1) / 2).toFixed(1)}" y="${bandY + 13}" font-size="12" text-anchor="middle" fill="${colour}">${esc(w.word)}</text>`);
    for (const x of [x0, x1]) {
      parts.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${top}" y2="${postTop + postH}" stroke="${colour}" stroke-dasharray="4 3" stroke-opacity="0.8"/>`);
    }
  });
  // Time axis.
  const axisY = postTop + postH;
  const step = f.duration > 8 ? 1 : f.duration > 3 ? 0.5 : f.duration > 1 ? 0.2 : 0.1;
  for (let t = 0; t <= f.duration + 1e-9; t += step) {
    const x = sx(t);
    parts.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${axisY}" y2="${axisY + 5}" stroke="#333"/>`);
    parts.push(`<text x="${x.toFixed(1)}" y="${axisY + 17}" font-size="10" text-anchor="middle">${Number(t.toFixed(2))}</text>`);
  }
  parts.push(`<text x="${LEFT + plotW / 2}" y="${axisY + 34}" font-size="12" text-anchor="middle">time (s)</text>`);
  const png = await svgToPng(svgDocument(width, height, parts.join('\n')));
  return { png, width, height };
}

export interface ExplainResult {
  text: string;
  words: WordTiming[];
  out: string;
  width: number;
  height: number;
  /** As in Transcript: no word-list transcript found at this beam; very quiet audio raised by this many dB; channels that cancelled in the mono mix. */
  outsideWordList?: true;
  raisedDb?: number;
  mixdownDb?: number;
}

export async function explain(o: ExplainOptions): Promise<ExplainResult> {
  const out = o.out ?? o.file.replace(/\.(wav|npy)$/i, '') + '.explain.png';
  // The picture would replace the recording it explains.
  if (resolve(out) === resolve(o.file)) throw new UserError(`--out ${out}: that is the input file; the PNG would overwrite the recording (give another name, e.g. ${o.file.replace(/\.(wav|npy)$/i, '')}.explain.png)`);
  const info = await loadModel(o.model);
  const rec = new Recognizer(info, { beam: o.beam, useLexicon: o.useLexicon });
  const { features, duration, samples } = await featuresFromFile(o.file, info.frontEnd);
  const [r] = rec.recognize([features], { timestamps: true, durations: [duration] });
  // Show the raw log-mel (before normalisation) when we have the audio — raised as the model heard
  // it when it was very quiet —; the .npy otherwise.
  const mel = samples ? heardLogMel(samples, info.features) : { data: features.data, frames: features.frames, nMels: features.dim };
  const fig = await renderExplanation({
    title: basename(o.file), mel, melFrameSeconds: info.features.hopLength / info.features.sampleRate,
    lp: r.lp, frameSeconds: rec.frameSeconds, words: r.words ?? [], duration,
  });
  atomicWriteFile(out, fig.png);
  return {
    text: r.text, words: r.words ?? [], out, width: fig.width, height: fig.height,
    ...(r.outsideWordList ? { outsideWordList: true as const } : {}), ...(features.raisedDb !== undefined ? { raisedDb: features.raisedDb } : {}),
    ...(features.mixdownDb !== undefined ? { mixdownDb: features.mixdownDb } : {}),
  };
}
