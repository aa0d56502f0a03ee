/** Maps with at most `limit` promises in flight, keeping input order (avoids EMFILE on big folders). */
export async function mapLimit<T, R>(xs: readonly T[], limit: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  // A limit below 1 would start no worker and return an array of holes as if every call had run.
  if (!(limit === Infinity || (Number.isInteger(limit) && limit >= 1))) throw new Error(`mapLimit: limit must be a positive integer, got ${limit}`);
  const out = new Array<R>(xs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < xs.length) {
      const i = next++;
      out[i] = await fn(xs[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, xs.length) }, worker));
  return out;
}
