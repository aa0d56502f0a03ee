/**
 * Word times. The best CTC path fixes each word's order and rough position, but CTC is free to
 * fire a character anywhere its context makes it certain — a BiGRU often emits the first
 * letters of a word right after the previous word, in the pause. So the path's spans are
 * matched to the speech segments of the audio (from frame energy) and each word takes the
 * boundaries of its segment; words sharing a segment (no pause between them) are split where
 * the path moves from one word to the next.
 */
import type { WordTiming } from './decode.js';

export interface Segment {
  start: number;
  end: number;
}

/**
 * Speech segments (seconds) from per-frame energy: frames above a level between the quiet
 * (10th percentile) and loud (90th percentile) ends of the file, with gaps shorter than
 * `minGap` bridged and blips shorter than `minSpeech` dropped.
 */
export function speechSegments(energy: Float32Array | number[], frameSeconds: number, opts: { minGap?: number; minSpeech?: number; level?: number } = {}): Segment[] {
  const n = energy.length;
  if (n === 0) return [];
  const sorted = Array.from(energy).sort((a, b) => a - b);
  const lo = sorted[Math.floor(0.1 * (n - 1))];
  const hi = sorted[Math.floor(0.9 * (n - 1))];
  if (!(hi - lo > 1e-6)) return [{ start: 0, end: n * frameSeconds }];
  const thr = lo + (opts.level ?? 0.12) * (hi - lo);
  const runs: [number, number][] = [];
  for (let t = 0; t < n; t++) {
    if (energy[t] <= thr) continue;
    if (runs.length && t - runs[runs.length - 1][1] <= Math.round((opts.minGap ?? 0.06) / frameSeconds)) runs[runs.length - 1][1] = t + 1;
    else runs.push([t, t + 1]);
  }
  const minLen = Math.round((opts.minSpeech ?? 0.05) / frameSeconds);
  return runs.filter(([a, b]) => b - a >= minLen).map(([a, b]) => ({ start: a * frameSeconds, end: b * frameSeconds }));
}

const SHARE_COST = 0.15;
const SKIP_COST = 1.0;

/**
 * Matches words (in order) to segments (in order) by dynamic programming: a word costs its
 * path-centre's distance to the segment, two words sharing a segment cost SHARE_COST, and
 * speech left without a word costs SKIP_COST per second. Returns the segment of each word.
 */
export function assignSegments(centres: readonly number[], segs: readonly Segment[]): number[] {
  const n = centres.length;
  const k = segs.length;
  const dist = (i: number, j: number) => Math.max(0, segs[j].start - centres[i], centres[i] - segs[j].end);
  const dur = (j: number) => segs[j].end - segs[j].start;
  const skipped = new Float64Array(k + 1); // skipped[j] = Σ dur of segments before j
  for (let j = 0; j < k; j++) skipped[j + 1] = skipped[j] + dur(j);
  const skip = (a: number, b: number) => SKIP_COST * (skipped[b] - skipped[a]); // segments a..b-1
  const cost = Array.from({ length: n }, () => new Float64Array(k).fill(Infinity));
  const from = Array.from({ length: n }, () => new Int32Array(k).fill(-1));
  for (let j = 0; j < k; j++) cost[0][j] = dist(0, j) + skip(0, j);
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < k; j++) {
      for (let p = 0; p <= j; p++) {
        const c = cost[i - 1][p] + dist(i, j) + (p === j ? SHARE_COST : skip(p + 1, j));
        if (c < cost[i][j]) {
          cost[i][j] = c;
          from[i][j] = p;
        }
      }
    }
  }
  let best = 0;
  for (let j = 1; j < k; j++) if (cost[n - 1][j] + skip(j + 1, k) < cost[n - 1][best] + skip(best + 1, k)) best = j;
  const out = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = best;
    best = from[i][best];
  }
  return out;
}

/** Word times snapped to the speech segments (see the file comment). `words` come from the best path. */
export function refineWordTimes(words: readonly WordTiming[], segs: readonly Segment[], duration: number): WordTiming[] {
  if (!words.length || !segs.length) return words.map((w) => ({ ...w }));
  const centres = words.map((w) => (w.start + w.end) / 2);
  const seg = assignSegments(centres, segs);
  const out = words.map((w) => ({ ...w }));
  for (let i = 0; i < words.length; ) {
    let j = i;
    while (j + 1 < words.length && seg[j + 1] === seg[i]) j++;
    const s = segs[seg[i]];
    out[i].start = s.start;
    out[j].end = s.end;
    for (let m = i; m < j; m++) {
      // Words in one segment: split where the path leaves word m for word m+1.
      const cut = Math.min(s.end, Math.max(s.start, (words[m].end + words[m + 1].start) / 2));
      out[m].end = cut;
      out[m + 1].start = cut;
    }
    i = j + 1;
  }
  for (const w of out) {
    w.start = Math.min(duration, Math.max(0, w.start));
    w.end = Math.min(duration, Math.max(w.start, w.end));
  }
  return out;
}

/** Loudness per feature frame: the mean over mel bands (works on raw or normalised log-mels). */
export function frameEnergy(data: Float32Array, frames: number, dim: number): Float32Array {
  const out = new Float32Array(frames);
  for (let t = 0; t < frames; t++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += data[t * dim + d];
    out[t] = s / dim;
  }
  return out;
}

/**
 * Cuts a recording into one clip per word when its pauses allow: searches energy thresholds
 * (and minimum gap / speech lengths) until exactly `words` segments of plausible lengths appear;
 * null otherwise. Each clip extends half-way into the neighbouring pauses (at most 50 ms).
 *
 * The right count alone is not enough: a threshold that merges two words and lets a burst of
 * noise through also gives `words` segments, and then every piece after the merge carries the
 * wrong word (5 of yesno's 31 training files were cut like that). Each segment must last
 * between MIN_SHARE and MAX_SHARE of the median segment.
 */
export function splitWords(energy: Float32Array, frameSeconds: number, duration: number, words: number): Segment[] | null {
  if (words < 2) return null;
  for (const minSpeech of [0.1, 0.15, 0.2]) {
    for (let level = 0.1; level <= 0.8 + 1e-9; level += 0.05) {
      for (const minGap of [0.05, 0.08, 0.12]) {
        const segs = speechSegments(energy, frameSeconds, { level, minGap, minSpeech });
        if (segs.length !== words || !plausibleLengths(segs)) continue;
        return segs.map((sg, i) => ({
          start: Math.max(0, sg.start - Math.min(0.05, i > 0 ? (sg.start - segs[i - 1].end) / 2 : 0.05)),
          end: Math.min(duration, sg.end + Math.min(0.05, i + 1 < segs.length ? (segs[i + 1].start - sg.end) / 2 : 0.05)),
        }));
      }
    }
  }
  return null;
}

const MIN_SHARE = 0.5;
const MAX_SHARE = 1.7;

function plausibleLengths(segs: readonly Segment[]): boolean {
  const lengths = segs.map((sg) => sg.end - sg.start).sort((a, b) => a - b);
  const median = lengths[lengths.length >> 1];
  return lengths[0] >= MIN_SHARE * median && lengths[lengths.length - 1] <= MAX_SHARE * median;
}

/**
 * Pieces of a recording, one per word segment, cut at the middle of each pause (the first
 * starts at 0, the last ends at `duration`): each keeps the recording's own background around
 * its word, so pieces can be rejoined into new utterances without added silence.
 */
export function cutAtPauses(segs: readonly Segment[], duration: number): Segment[] {
  const cuts = [0, ...segs.slice(1).map((sg, i) => (segs[i].end + sg.start) / 2), duration];
  return segs.map((_, i) => ({ start: cuts[i], end: cuts[i + 1] }));
}
