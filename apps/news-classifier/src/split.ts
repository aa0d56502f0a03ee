/** Validation splits carved from the training side. */
import { Generator } from '@tensorkit/core';
import type { TextExample } from './data.js';

export interface Split {
  train: number[];
  val: number[];
  /** How the split was made (recorded in the model file). */
  method: string;
}

/**
 * Stratified split. When every item carries an `order` (20 Newsgroups article
 * numbers, which grow with time) the newest `fraction` of each class is the
 * validation set — the official bydate test is later in time than its train
 * side, and a random split would flatter the model with same-thread posts.
 * Otherwise a seeded shuffle per class.
 */
export function validationSplit(items: readonly TextExample[], numClasses: number, fraction: number, seed: number): Split {
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`validation fraction must be in [0, 1), got ${fraction}`);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  items.forEach((it, i) => byClass[it.label].push(i));
  const ordered = items.length > 0 && items.every((it) => it.order !== undefined && Number.isFinite(it.order));
  const g = new Generator(seed);
  const train: number[] = [];
  const val: number[] = [];
  for (const idx of byClass) {
    let list: number[];
    if (ordered) {
      list = [...idx].sort((a, b) => items[a].order! - items[b].order! || a - b);
    } else {
      const p = g.permutation(idx.length);
      list = Array.from(p, (k) => idx[k]);
    }
    const nVal = fraction > 0 && idx.length > 1 ? Math.max(1, Math.round(idx.length * fraction)) : 0;
    train.push(...list.slice(0, list.length - nVal));
    val.push(...list.slice(list.length - nVal));
  }
  train.sort((a, b) => a - b);
  val.sort((a, b) => a - b);
  return { train, val, method: ordered ? `newest ${fraction} of each class (by article number)` : `seeded random ${fraction} of each class (seed ${seed})` };
}
