/**
 * Refusal of unknown option keys. TypeScript catches a misspelt key only in a
 * fresh object literal; options built elsewhere (spread from a config file,
 * typed `any`, written PyTorch-style as `weight_decay`) would otherwise be
 * ignored and the default used without a word.
 */

/** Every key of an options type, spelled out so the compiler keeps the runtime list in step with the type. */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/**
 * Throws when `opts` is not an object (undefined is allowed: all defaults) or has a key outside
 * `known`, naming `fn`, the key, the closest known key and the known keys.
 */
export function checkOptionKeys(fn: string, opts: unknown, known: Readonly<Record<string, true>> | readonly string[], what = 'option'): void {
  if (opts === undefined) return;
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new Error(`${fn}: ${what}s must be an object, got ${opts === null ? 'null' : Array.isArray(opts) ? 'an array' : typeof opts}`);
  }
  const keys = Array.isArray(known) ? (known as readonly string[]) : Object.keys(known);
  const unknown = Object.keys(opts).filter((k) => !keys.includes(k));
  if (unknown.length === 0) return;
  const described = unknown.map((k) => {
    const near = closestKey(k, keys);
    return near ? `'${k}' (did you mean '${near}'?)` : `'${k}'`;
  });
  const list = keys.length ? keys.join(', ') : '(none)';
  throw new Error(`${fn}: unknown ${what}${unknown.length > 1 ? 's' : ''} ${described.join(', ')}; known ${what}s: ${list}`);
}

/**
 * The known key `key` most likely stands for — the same letters in another case or snake_case
 * (weight_decay → weightDecay), or a small typo — or undefined: the "did you mean" of option
 * checks and CLIs.
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
  // One edit always (lt → lr), two for longer keys (a dropped or doubled letter and a swap); beyond that a suggestion is a guess.
  return bestDist <= Math.max(1, Math.min(2, Math.floor(key.length / 3))) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** How many buildModule calls are running: they check a config's keys themselves, naming the config's path. */
let buildingFromConfig = 0;

/** Runs `build` with the layer constructors' own option check off (see Module.checkOptions). */
export function whileBuildingFromConfig<T>(build: () => T): T {
  buildingFromConfig++;
  try {
    return build();
  } finally {
    buildingFromConfig--;
  }
}

export function isBuildingFromConfig(): boolean {
  return buildingFromConfig > 0;
}
