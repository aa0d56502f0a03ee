/**
 * Refusal of unknown option keys, as @tensorkit/nn's layers do (nn depends on core, so core
 * keeps its own copy). TypeScript catches a misspelt key only in a fresh object literal; options
 * built elsewhere (typed `any`, spread from a config, written PyTorch-style as `requires_grad`)
 * would otherwise be ignored and the default used without a word: `sort(x, 0, { decending: true })`
 * sorted ascending.
 *
 * Ops call this on every use, so the passing path is a loop over the few keys given, each looked
 * up in a precomputed Set; the message (and its did-you-mean search) is built only on failure.
 */

/** Every key of an options type, spelled out so the compiler keeps the runtime list in step with the type. */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/** The accepted keys of an options type, as the Set checkOptions takes; build once, at module load. */
export function optionKeys<T>(keys: OptionKeys<T>): ReadonlySet<string> {
  return new Set(Object.keys(keys));
}

/**
 * The default of an omitted options argument (`opts: SortOptions = NO_OPTIONS`): one shared object,
 * so a call without options neither allocates one nor walks its keys.
 */
export const NO_OPTIONS: Readonly<Record<string, never>> = Object.freeze({});

/**
 * Throws when `opts` is not an object (undefined is allowed: all defaults) or has a key outside
 * `known`, naming `fn`, the key, the closest known key and the known keys.
 */
export function checkOptions(fn: string, opts: unknown, known: ReadonlySet<string>, what = 'option'): void {
  if (opts === undefined || opts === NO_OPTIONS) return;
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new Error(`${fn}: ${what}s must be an object, got ${opts === null ? 'null' : Array.isArray(opts) ? 'an array' : typeof opts}`);
  }
  // for…in also visits inherited enumerable keys; those are read by `opts.key` too, so they count.
  for (const k in opts) {
    if (!known.has(k)) {
      const unknown: string[] = [];
      for (const u in opts) if (!known.has(u)) unknown.push(u);
      throw unknownOptionsError(fn, unknown, [...known], what);
    }
  }
}

/**
 * The error for option keys outside `keys`: names `fn`, each unknown key with the closest known
 * one (did you mean …?) and the known keys. @tensorkit/nn's option checks throw the same.
 */
export function unknownOptionsError(fn: string, unknown: readonly string[], keys: readonly string[], what = 'option'): Error {
  const described = unknown.map((k) => {
    const near = closestKey(k, keys);
    return near ? `'${k}' (did you mean '${near}'?)` : `'${k}'`;
  });
  const list = keys.length ? keys.join(', ') : '(none)';
  return new Error(`${fn}: unknown ${what}${unknown.length > 1 ? 's' : ''} ${described.join(', ')}; known ${what}s: ${list}`);
}

/**
 * The known key `key` most likely stands for — the same letters in another case or snake_case
 * (requires_grad → requiresGrad, keep_dim → keepdim), or a small typo — or undefined.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const squash = (s: string) => s.replace(/[_\-\s]/g, '').toLowerCase();
  const same = known.find((k) => squash(k) === squash(key));
  if (same) return same;
  let best: string | undefined;
  let bestDist = Infinity;
  for (const k of known) {
    const d = editDistance(squash(key), squash(k));
    if (d < bestDist) {
      bestDist = d;
      best = k;
    }
  }
  // One edit always (std → sdt), two for longer keys; beyond that a suggestion is a guess.
  if (bestDist <= Math.max(1, Math.min(2, Math.floor(key.length / 3)))) return best;
  // A short key written out longer or cut short (stdev → std, desc → descending).
  const sk = squash(key);
  return sk.length < 3 ? undefined : known.find((k) => squash(k).length >= 3 && (sk.startsWith(squash(k)) || squash(k).startsWith(sk)));
}

/** Edit distance counting a swap of two neighbouring letters as one edit (dtpye → dtype), the commonest typo. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
