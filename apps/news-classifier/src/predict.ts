/**
 * `news predict`: category and probabilities for texts given on the command
 * line or in a file (one text per line); --explain adds the n-grams that
 * pushed each decision.
 */
import { resolve } from 'node:path';
import { UserError } from '@tensorkit/train';
import { aggregateTerms, loadClassifier, NO_WORDS_WARNING, softmax } from './classifier.js';
import { readTextFile } from './input.js';
import { resolveModelOption } from './paths.js';

export interface PredictOptions {
  texts: string[];
  file?: string;
  model?: string;
  top?: number;
  explain?: boolean;
  json?: boolean;
  print?: (s: string) => void;
  /** Where warnings go (default stderr). */
  warn?: (s: string) => void;
}

export interface Prediction {
  text: string;
  label: string;
  probability: number;
  probabilities: Record<string, number>;
  /** With --explain: the strongest terms for the predicted class against the runner-up. */
  explanation?: { term: string; contribution: number }[];
  versus?: string;
  /** Set when the text holds no word the tokenizer keeps: the prediction is then the model's bias alone. */
  warning?: string;
}

export interface PredictResult {
  predictions: Prediction[];
  json: { model: string; predictions: Prediction[] };
}

async function readTexts(file: string): Promise<string[]> {
  const text = await readTextFile(file, 'a plain-text file with one text per line');
  // A lone CR ends a line too (classic Mac OS, some exporters): split on it, not only on LF and CRLF,
  // or a whole file of such lines was classified as one text.
  return text.split(/\r\n|\r|\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

/** `text` quoted for a POSIX shell (double quotes unless it holds characters special inside them). */
export function shellQuote(text: string): string {
  return /["$`\\!]/.test(text) ? `'${text.replace(/'/g, `'\\''`)}'` : `"${text}"`;
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

export async function predictCommand(o: PredictOptions): Promise<PredictResult> {
  const print = o.print ?? ((s: string) => process.stdout.write(s + '\n'));
  const warn = o.warn ?? ((s: string) => process.stderr.write(s + '\n'));
  const texts = [...o.texts];
  // Not push(...lines): spreading a few hundred thousand lines as arguments overflowed the stack.
  if (o.file) for (const line of await readTexts(o.file)) texts.push(line);
  if (texts.length === 0) throw new UserError(o.file ? `${o.file}: no text lines to classify` : 'nothing to classify: give texts as arguments or --file FILE');
  const empty = texts.findIndex((t) => t.trim() === '');
  if (empty >= 0) throw new UserError(`text ${empty + 1} is empty`);
  // `news predict Central bank raises rates` classifies four one-word texts: say how to make it one.
  if (o.texts.length >= 3 && o.texts.every((t) => /^\S+$/.test(t))) {
    warn(`note: ${o.texts.length} one-word texts, each classified on its own; to classify them as one text, quote it: news predict ${shellQuote(o.texts.join(' '))}`);
  }
  const clf = await loadClassifier(resolveModelOption(o.model, warn));
  const labels = clf.labels;
  const C = labels.length;
  const logits = clf.logits(texts);
  const top = Math.min(o.top ?? 3, C);
  const predictions: Prediction[] = texts.map((text, i) => {
    const p = softmax(logits.subarray(i * C, (i + 1) * C));
    const order = p.map((v, k) => [v, k]).sort((a, b) => b[0] - a[0]).map((q) => q[1]);
    const pr: Prediction = {
      text, label: labels[order[0]], probability: p[order[0]],
      probabilities: Object.fromEntries(labels.map((l, k) => [l, p[k]])),
    };
    if (clf.tokens(text).length === 0) {
      // Punctuation or symbols only: nothing reaches the model, so the "prediction" is its class prior.
      pr.warning = NO_WORDS_WARNING;
      warn(`warning: text ${i + 1} (${JSON.stringify(clip(text, 40))}): ${pr.warning}`);
    }
    if (o.explain) {
      const ex = clf.explain(text);
      pr.versus = labels[ex.reference];
      pr.explanation = aggregateTerms(ex.terms).filter((t) => t.value > 0).slice(0, 8).map((t) => ({ term: t.term, contribution: t.value }));
    }
    if (!o.json) {
      const rest = order.slice(1, top).map((k) => `${labels[k]} ${(p[k] * 100).toFixed(1)}%`).join(', ');
      print(`${pr.label} (${(pr.probability * 100).toFixed(1)}%${rest ? `; ${rest}` : ''})  ${clip(text, 80)}`);
      if (pr.explanation) {
        const list = pr.explanation.map((t) => `${t.term} +${t.contribution.toFixed(2)}`).join(', ');
        print(`    pushed towards ${pr.label} rather than ${pr.versus}: ${list || '(no term favours it; the bias decided)'}`);
      }
    }
    return pr;
  });
  return { predictions, json: { model: resolve(clf.model.path), predictions } };
}
