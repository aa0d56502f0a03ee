/**
 * `speech eval --report DIR`: a self-contained HTML report — metrics, a per-word table, a word
 * confusion heat map, and the worst utterances with their audio, the reference and hypothesis
 * with word errors marked, and the explanation figure (spectrogram, posteriors, aligned words).
 * The page references only files written into DIR.
 */
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { encodeWav, svgToPng } from '@tensorkit/data';
import { atomicWriteFile, confusionHeatmapSvg, escapeXml as esc, type EditOp } from '@tensorkit/train';
import { cutSegment } from './corpus.js';
import { decodingName } from './decode.js';
import { itemName, worstItems, type EvalItem, type EvalResult } from './evaluate.js';
import { renderExplanation } from './explain.js';
import { featuresFromSamples, heardLogMel, loadAudio } from './features.js';
import { loadModel } from './model-file.js';
import { Recognizer } from './recognizer.js';

export interface WordStats {
  word: string;
  /** Occurrences in the references. */
  count: number;
  correct: number;
  substituted: number;
  deleted: number;
  /** Times the word was output where the reference had none (insertions). */
  inserted: number;
}

export const DELETED = '(deleted)';
export const INSERTED = '(inserted)';

/** Per-word counts and the reference × hypothesis confusion counts from the alignments. */
export function wordConfusion(items: readonly { ops: readonly EditOp[] }[]): { stats: WordStats[]; rows: string[]; cols: string[]; counts: number[][] } {
  const stats = new Map<string, WordStats>();
  const get = (w: string) => {
    let s = stats.get(w);
    if (!s) stats.set(w, (s = { word: w, count: 0, correct: 0, substituted: 0, deleted: 0, inserted: 0 }));
    return s;
  };
  const pairs = new Map<string, number>();
  const bump = (r: string, h: string) => pairs.set(`${r}\u0000${h}`, (pairs.get(`${r}\u0000${h}`) ?? 0) + 1);
  for (const it of items) {
    for (const o of it.ops) {
      if (o.op === 'equal') { get(o.ref).count++; get(o.ref).correct++; bump(o.ref, o.hyp); }
      else if (o.op === 'substitute') { get(o.ref).count++; get(o.ref).substituted++; get(o.hyp); bump(o.ref, o.hyp); }
      else if (o.op === 'delete') { get(o.ref).count++; get(o.ref).deleted++; bump(o.ref, DELETED); }
      else { get(o.hyp).inserted++; bump(INSERTED, o.hyp); }
    }
  }
  const vocab = [...stats.keys()].sort();
  const rows = [...vocab, INSERTED];
  const cols = [...vocab, DELETED];
  const counts = rows.map((r) => cols.map((c) => pairs.get(`${r}\u0000${c}`) ?? 0));
  return { stats: vocab.map((w) => stats.get(w)!), rows, cols, counts };
}

/** Heat map of the confusion counts (rows: reference words, columns: what was recognised). */
export async function confusionPng(rows: string[], cols: string[], counts: number[][]): Promise<{ png: Buffer; width: number; height: number }> {
  const heat = confusionHeatmapSvg(counts, rows, { colLabels: cols, rowTitle: 'reference', colTitle: 'hypothesis' });
  return { png: await svgToPng(heat.svg), width: heat.width, height: heat.height };
}

/** Reference vs hypothesis as HTML with substitutions, deletions and insertions marked. */
export function markedHtml(ops: readonly EditOp[]): { ref: string; hyp: string } {
  const ref: string[] = [];
  const hyp: string[] = [];
  for (const o of ops) {
    if (o.op === 'equal') { ref.push(esc(o.ref)); hyp.push(esc(o.hyp)); }
    else if (o.op === 'substitute') {
      ref.push(`<span class="sub">${esc(o.ref)}</span>`);
      hyp.push(`<span class="sub" title="substituted for ${esc(o.ref)}">${esc(o.hyp)}</span>`);
    } else if (o.op === 'delete') {
      ref.push(`<span class="del">${esc(o.ref)}</span>`);
      hyp.push(`<span class="del" title="deleted: ${esc(o.ref)}">∅</span>`);
    } else {
      ref.push(`<span class="ins" title="inserted">∅</span>`);
      hyp.push(`<span class="ins">${esc(o.hyp)}</span>`);
    }
  }
  return { ref: ref.join(' '), hyp: hyp.join(' ') };
}

const CSS = `body{font-family:DejaVu Sans,Arial,sans-serif;margin:24px;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
th{background:#f2f2f2}td.l,th.l{text-align:left}.sub{background:#fde2a8}.del{background:#f8c0c0;text-decoration:line-through}
.ins{background:#c7e9c0}.ex{border-top:1px solid #ddd;padding:10px 0}.ex img{max-width:100%;border:1px solid #eee}
code{background:#f6f6f6;padding:1px 4px}`;

export interface ReportOptions {
  /** Worst utterances shown (default 12). */
  worst?: number;
}

export async function writeEvalReport(dir: string, r: EvalResult, opts: ReportOptions = {}): Promise<string> {
  mkdirSync(join(dir, 'audio'), { recursive: true });
  mkdirSync(join(dir, 'img'), { recursive: true });
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const { stats, rows, cols, counts } = wordConfusion(r.items);
  const conf = await confusionPng(rows, cols, counts);
  atomicWriteFile(join(dir, 'img', 'confusion.png'), conf.png);
  let subs = 0, dels = 0, ins = 0;
  for (const s of stats) { subs += s.substituted; dels += s.deleted; ins += s.inserted; }

  const worst = worstItems(r.items, opts.worst ?? 12);
  const examples: string[] = [];
  if (worst.length) {
    const info = await loadModel(r.model);
    const rec = new Recognizer(info, { beam: r.beam, useLexicon: r.lexicon });
    for (let i = 0; i < worst.length; i++) {
      const it: EvalItem = worst[i];
      const whole = (await loadAudio(it.file, info.features)).samples;
      const samples = it.segment ? cutSegment(whole, info.features.sampleRate, it.segment, it.file) : whole;
      const duration = samples.length / info.features.sampleRate;
      const [res] = rec.recognize([featuresFromSamples(samples, info.frontEnd)], { timestamps: true, durations: [duration] });
      const m = heardLogMel(samples, info.features); // the log-mel the model heard (very quiet audio raised)
      const fig = await renderExplanation({
        title: itemName(it), mel: { data: m.data, frames: m.frames, nMels: m.nMels },
        melFrameSeconds: info.features.hopLength / info.features.sampleRate, lp: res.lp, frameSeconds: rec.frameSeconds,
        words: res.words ?? [], duration, reference: it.ref,
      });
      const id = String(i + 1).padStart(2, '0');
      atomicWriteFile(join(dir, 'img', `example-${id}.png`), fig.png);
      atomicWriteFile(join(dir, 'audio', `example-${id}.wav`), encodeWav(samples, info.features.sampleRate));
      const mk = markedHtml(it.ops);
      examples.push(`<div class="ex"><h3>${id}. ${esc(itemName(it))} — ${it.errors} word error${it.errors === 1 ? '' : 's'}</h3>
<table><tr><th class="l">reference</th><td class="l">${mk.ref}</td></tr><tr><th class="l">hypothesis</th><td class="l">${mk.hyp}</td></tr></table>
<audio controls="controls" preload="none" src="audio/example-${id}.wav"></audio>
<p><img src="img/example-${id}.png" width="${fig.width}" height="${fig.height}" alt="spectrogram, CTC posteriors and aligned words for ${esc(itemName(it))}" /></p></div>`);
    }
  }
  const wordRows = stats.map((s) => `<tr><td class="l">${esc(s.word)}</td><td>${s.count}</td><td>${s.correct}</td><td>${s.substituted}</td><td>${s.deleted}</td><td>${s.inserted}</td><td>${s.count ? pct(s.correct / s.count) : '–'}</td></tr>`).join('\n');
  const html = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8" /><title>speech eval report</title><style>${CSS}</style></head>
<body>
<h1>Speech recognition evaluation</h1>
<p>model <code>${esc(basename(r.model))}</code> · data <code>${esc(r.corpus)}</code> · decoding ${esc(decodingName(r.beam, r.lexicon))}${r.outsideWordList ? ` (${r.outsideWordList} of ${r.n} utterances outside the word list: no word-list transcript found at this width)` : ''} · ${r.seconds.toFixed(1)} s</p>
<h2>Metrics</h2>
<table>
<tr><th class="l">utterances</th><td>${r.n}</td></tr>
<tr><th class="l">reference words</th><td>${r.refWords}</td></tr>
<tr><th class="l">WER</th><td>${pct(r.wer)}</td></tr>
<tr><th class="l">substitutions / deletions / insertions</th><td>${subs} / ${dels} / ${ins}</td></tr>
<tr><th class="l">CER</th><td>${pct(r.cer)}</td></tr>
<tr><th class="l">sentence accuracy</th><td>${pct(r.sentenceAccuracy)}</td></tr>
</table>
<h2>Per word</h2>
<table>
<tr><th class="l">word</th><th>in references</th><th>correct</th><th>substituted</th><th>deleted</th><th>inserted</th><th>accuracy</th></tr>
${wordRows}
</table>
<h2>Confusions</h2>
<p><img src="img/confusion.png" width="${conf.width}" height="${conf.height}" alt="word confusion heat map" /></p>
<h2>Worst utterances</h2>
<p>Marked: <span class="sub">substitution</span> <span class="del">deletion</span> <span class="ins">insertion</span>. Each figure shows the log-mel spectrogram, the CTC posteriors and the hypothesis words at their aligned times.</p>
${examples.length ? examples.join('\n') : '<p>No errors.</p>'}
</body>
</html>
`;
  const path = join(dir, 'index.html');
  atomicWriteFile(path, html);
  return path;
}
