/**
 * JSON for checkpoint metadata. Plain JSON turns NaN and ±Infinity into
 * null, which would silently change restored state (a best loss of Infinity,
 * a NaN metric); they are tagged instead and restored exactly.
 */

const TAG = '$float';
/**
 * A caller's own object whose only key is one of the two tags (`extra: { $float: 'x' }`) would read
 * back as a number (NaN) or as entries; it is written as its entries under ESCAPE instead.
 */
const ESCAPE = '$object';

function soleKey(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  return keys.length === 1 ? keys[0] : undefined;
}

export function stringifyJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return { [TAG]: String(v) };
    const key = soleKey(v);
    // An array of entries: arrays are never tagged, so the replacer does not wrap it again.
    if (key === TAG || key === ESCAPE) return { [ESCAPE]: Object.entries(v as object) };
    return v;
  });
  // JSON.stringify returns undefined for undefined/functions; store null so parsing round-trips.
  return text ?? 'null';
}

export function parseJson(text: string, what: string): unknown {
  try {
    // The reviver runs on the innermost values first, so escaped entries arrive already revived.
    return JSON.parse(text, (_key, v: unknown) => {
      const key = soleKey(v);
      if (key === TAG) return Number((v as Record<string, string>)[TAG]);
      if (key === ESCAPE) {
        const entries = (v as Record<string, unknown>)[ESCAPE];
        if (Array.isArray(entries)) return Object.fromEntries(entries as [string, unknown][]);
      }
      return v;
    });
  } catch (e) {
    throw new Error(`${what} is not valid JSON (${(e as Error).message})`);
  }
}

/** Canonical JSON (sorted keys) for comparing configs. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
  }) ?? 'null';
}
