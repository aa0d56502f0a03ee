/**
 * JSON for checkpoint metadata. Plain JSON turns NaN and ±Infinity into
 * null, which would silently change restored state (a best loss of Infinity,
 * a NaN metric); they are tagged instead and restored exactly.
 */

const TAG = '$float';

export function stringifyJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { [TAG]: String(v) } : v));
  // JSON.stringify returns undefined for undefined/functions; store null so parsing round-trips.
  return text ?? 'null';
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text, (_key, v: unknown) => {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const keys = Object.keys(v);
        if (keys.length === 1 && keys[0] === TAG) return Number((v as Record<string, string>)[TAG]);
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
