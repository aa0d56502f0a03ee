/**
 * `news explain`: the contribution of each word and n-gram to the predicted
 * class against the runner-up. Both models are linear in the bag of
 * features, so the contributions are exact: bias + Σ terms = logit difference.
 * The terminal shows the text with the strongest terms highlighted (ANSI
 * colours on a TTY, [+term]/[-term] marks otherwise) and a ranked list;
 * --html writes the text coloured by contribution.
 */
import { resolve } from 'node:path';
import { atomicWriteFile, escapeXml, UserError } from '@tensorkit/train';
import { aggregateTerms, loadClassifier, NO_WORDS_WARNING, type Explanation, type NewsClassifier } from './classifier.js';
import { tokenize } from '@tensorkit/data';
import { prepareText } from './features.js';
import { readTextFile } from './input.js';
import { checkOutputFile, resolveModelOption } from './paths.js';

export interface ExplainOptions {
  /** The text to explain (or `file`). */
  text?: string;
  /** A text file explained as one document (up to MAX_INPUT_BYTES). */
  file?: string;
  model?: string;
  html?: string;
  top?: number;
  json?: boolean;
  /** 'exact' (default: both shipped model types are linear in the bag) or 'ig' (integrated gradients). */
  method?: 'exact' | 'ig';
  steps?: number;
  /** Force colour on/off (default: when stdout is a TTY). */
  color?: boolean;
  print?: (s: string) => void;
  /** Where warnings go (default stderr). */
  warn?: (s: string) => void;
}

export interface ExplainResult {
  explanation: Explanation;
  json: {
    model: string;
    label: string;
    versus: string;
    probability: number;
    logit_difference: number;
    bias: number;
    method: 'exact' | 'ig';
    /** The `top` strongest distinct terms (count: occurrences in the text). */
    terms: { term: string; kind: string; contribution: number; count: number }[];
    /** Per-token values, the first MAX_JSON_TOKENS of them (tokens_rest sums the others). */
    tokens: { token: string; contribution: number }[];
    /** When the text has more tokens than listed: how many more, and their summed contribution (so bias + tokens + rest = difference). */
    tokens_rest?: { count: number; contribution: number };
    html?: string;
    /** Set when the text holds no word the tokenizer keeps (as in predict). */
    warning?: string;
  };
}

/** A piece of the displayed text: plain text, or a chunk carrying some tokens' total contribution. */
export interface Segment {
  text: string;
  value: number | null;
}

/**
 * Splits the (prepared) text into whitespace-separated chunks and assigns
 * each chunk the contributions of the tokens it produced, so the original
 * spelling and punctuation are shown. Returns null when the per-chunk tokens
 * do not line up with the explanation's tokens (exotic normalisation).
 */
export function segmentText(text: string, tokenValues: readonly number[], opts: { prefix?: boolean } = {}): Segment[] | null {
  const out: Segment[] = [];
  let k = 0;
  for (const m of text.matchAll(/(\s+)|(\S+)/g)) {
    if (m[1] !== undefined) {
      out.push({ text: m[1], value: null });
      continue;
    }
    const n = tokenize(m[2]).length;
    if (n === 0) {
      out.push({ text: m[2], value: null });
      continue;
    }
    if (k + n > tokenValues.length) return null;
    let v = 0;
    for (let i = 0; i < n; i++) v += tokenValues[k + i];
    k += n;
    out.push({ text: m[2], value: v });
  }
  // A prefix of a long text (the part shown) covers only its first tokens.
  return k === tokenValues.length || opts.prefix ? out : null;
}

const GREEN = (s: string) => `\x1b[1;42;30m${s}\x1b[0m`;
const RED = (s: string) => `\x1b[1;41;37m${s}\x1b[0m`;

function highlight(segments: Segment[], strongest: number, color: boolean): string {
  return segments.map((s) => {
    if (s.value === null || strongest <= 0 || Math.abs(s.value) < strongest) return s.text;
    if (color) return s.value > 0 ? GREEN(s.text) : RED(s.text);
    return s.value > 0 ? `[+${s.text}]` : `[-${s.text}]`;
  }).join('');
}

function colour(v: number, max: number): string {
  const t = max > 0 ? Math.min(1, Math.abs(v) / max) : 0;
  const [r, g, b] = v >= 0 ? [26, 150, 65] : [215, 48, 39];
  const mix = (c: number) => Math.round(255 + (c - 255) * t * 0.85);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

export function explanationHtml(ex: Explanation, segments: Segment[] | null, text: string, modelName: string, top: number, omitted = 0): string {
  const label = ex.labels[ex.target];
  const versus = ex.labels[ex.reference];
  // A loop, not Math.max(...values): a long text's million segments overflowed the call stack.
  let max = 1e-12;
  for (const s of segments ?? []) max = Math.max(max, Math.abs(s.value ?? 0));
  const terms = aggregateTerms(ex.terms);
  const strongest = Math.abs(terms[0]?.value ?? 1);
  const body = segments
    ? segments.map((s) => (s.value === null ? escapeXml(s.text) : `<span style="background:${colour(s.value, max)}" title="${s.value >= 0 ? '+' : ''}${s.value.toFixed(4)}">${escapeXml(s.text)}</span>`)).join('')
    : escapeXml(text);
  const rows = terms.slice(0, top).map((t) =>
    `<tr><td>${escapeXml(t.term)}</td><td>${t.kind}</td><td>${t.count}</td><td style="background:${colour(t.value, strongest)}">${t.value >= 0 ? '+' : ''}${t.value.toFixed(4)}</td></tr>`).join('\n');
  const probs = ex.labels.map((l, i) => [l, ex.probabilities[i]] as const).sort((a, b) => b[1] - a[1])
    .map(([l, p]) => `<li>${escapeXml(l)}: ${(p * 100).toFixed(1)}%</li>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>news explain: ${escapeXml(label)}</title>
<style>
body { font-family: DejaVu Sans, Arial, sans-serif; max-width: 900px; margin: 2em auto; line-height: 1.6; }
.text { white-space: pre-wrap; border: 1px solid #ccc; padding: 1em; border-radius: 4px; }
.text span { border-radius: 3px; padding: 0 1px; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }
.legend span { padding: 0 6px; }
</style>
</head>
<body>
<h1>${escapeXml(label)} <small>(${(ex.probabilities[ex.target] * 100).toFixed(1)}%)</small></h1>
<p>Model <code>${escapeXml(modelName)}</code>. Colours show each word's contribution to
logit(${escapeXml(label)}) − logit(${escapeXml(versus)}) = ${ex.difference.toFixed(4)}
(bias ${ex.bias.toFixed(4)} + words ${sumOf(ex.tokenValues).toFixed(4)}; ${ex.method === 'ig' ? 'integrated gradients from the empty bag' : 'exact for this linear model'}).</p>
<p class="legend"><span style="background:${colour(1, 1)}">towards ${escapeXml(label)}</span> <span style="background:${colour(-1, 1)}">towards ${escapeXml(versus)}</span></p>
<div class="text">${body}</div>${omitted > 0 ? `\n<p>[… ${omitted.toLocaleString('en-US')} more characters not shown; the terms and totals cover the whole text]</p>` : ''}
<h2>Strongest terms</h2>
<table>
<tr><th>term</th><th>kind</th><th>count</th><th>contribution</th></tr>
${rows}
</table>
<h2>Probabilities</h2>
<ul>${probs}</ul>
</body>
</html>
`;
}

/** Characters of the text shown in the terminal / coloured in the HTML page (the terms and totals always cover all of it). */
export const SHOWN_CHARS = { terminal: 20_000, html: 200_000 } as const;
/** Per-token values listed in --json. */
export const MAX_JSON_TOKENS = 100_000;

function sumOf(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s;
}

/** The first ~`limit` characters of a text, cut at whitespace so no word is split. */
function headOf(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit + 1).search(/\s\S*$/);
  return text.slice(0, cut > 0 ? cut : limit);
}

export async function explainCommand(o: ExplainOptions): Promise<ExplainResult> {
  const print = o.print ?? ((s: string) => process.stdout.write(s + '\n'));
  if (o.file !== undefined && o.text !== undefined) throw new UserError('explain: give a text or --file FILE, not both');
  if (o.file === undefined && o.text === undefined) throw new UserError('explain: give a text to explain, or --file FILE');
  // Before any work: a bad --html fails now, naming the flag, not after the explanation.
  if (o.html !== undefined) checkOutputFile(o.html, '--html', 'explain.html');
  const text = o.file !== undefined ? await readTextFile(o.file, 'a plain-text file (explained as one document)') : o.text!;
  if (text.trim() === '') throw new UserError(o.file !== undefined ? `${o.file}: empty file; expected the text of a document` : 'explain: the text is empty');
  const clf: NewsClassifier = await loadClassifier(resolveModelOption(o.model, o.warn ?? ((s: string) => process.stderr.write(s + '\n'))));
  const ex = clf.explain(text, { method: o.method, steps: o.steps });
  // As predict does: with no words there is nothing to explain, only the bias.
  const warning = ex.tokens.length === 0 ? NO_WORDS_WARNING : undefined;
  if (warning) (o.warn ?? ((s: string) => process.stderr.write(s + '\n')))(`warning: ${warning}`);
  const top = o.top ?? 12;
  const label = ex.labels[ex.target];
  const versus = ex.labels[ex.reference];
  const shown = prepareText(text, clf.model.info.features);
  const terms = aggregateTerms(ex.terms);
  if (!o.json) {
    print(`${label} (${(ex.probabilities[ex.target] * 100).toFixed(1)}%) rather than ${versus} (${(ex.probabilities[ex.reference] * 100).toFixed(1)}%)`);
    const sum = sumOf(ex.tokenValues);
    print(`logit difference ${ex.difference.toFixed(4)} = bias ${ex.bias.toFixed(4)} + terms ${sum.toFixed(4)}` +
      (ex.method === 'ig' ? ' (integrated gradients from the empty bag)' : ' (exact: the model is linear in the bag)') + '\n');
    const head = headOf(shown, SHOWN_CHARS.terminal);
    const segments = segmentText(head, ex.tokenValues, { prefix: head.length < shown.length });
    if (segments) {
      const mags = segments.filter((s) => s.value !== null).map((s) => Math.abs(s.value!)).sort((a, b) => b - a);
      const strongest = mags[Math.min(mags.length - 1, 5)] ?? 0;
      print(highlight(segments, strongest, o.color ?? !!process.stdout.isTTY));
      if (head.length < shown.length) print(`[… ${(shown.length - head.length).toLocaleString('en-US')} more characters not shown; the terms below cover the whole text]`);
      print('');
    }
    const w = Math.max(4, ...terms.slice(0, top).map((t) => t.term.length));
    print(`${'term'.padEnd(w)}  contribution`);
    for (const t of terms.slice(0, top)) {
      const bar = '█'.repeat(Math.max(0, Math.round((Math.abs(t.value) / Math.max(1e-12, Math.abs(terms[0].value))) * 20)));
      print(`${t.term.padEnd(w)}  ${t.value >= 0 ? '+' : '-'}${Math.abs(t.value).toFixed(4)}  ${t.value >= 0 ? '' : '(against) '}${bar}`);
    }
  }
  let htmlPath: string | undefined;
  if (o.html) {
    htmlPath = resolve(o.html);
    const head = headOf(shown, SHOWN_CHARS.html);
    const segments = segmentText(head, ex.tokenValues, { prefix: head.length < shown.length });
    atomicWriteFile(htmlPath, explanationHtml(ex, segments, head, clf.model.path, Math.max(top, 20), shown.length - head.length));
    if (!o.json) print(`\nhtml: ${htmlPath}`);
  }
  const listed = Math.min(ex.tokens.length, MAX_JSON_TOKENS);
  const tokens = ex.tokens.slice(0, listed).map((t, i) => ({ token: t, contribution: ex.tokenValues[i] }));
  const tokensRest = listed < ex.tokens.length ? { count: ex.tokens.length - listed, contribution: sumOf(ex.tokenValues.slice(listed)) } : undefined;
  return {
    explanation: ex,
    json: {
      model: resolve(clf.model.path), label, versus, probability: ex.probabilities[ex.target],
      logit_difference: ex.difference, bias: ex.bias, method: ex.method,
      terms: terms.slice(0, top).map((t) => ({ term: t.term, kind: t.kind, contribution: t.value, count: t.count })),
      tokens,
      ...(tokensRest ? { tokens_rest: tokensRest } : {}),
      ...(htmlPath ? { html: htmlPath } : {}),
      ...(warning ? { warning } : {}),
    },
  };
}
