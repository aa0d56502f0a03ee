/**
 * Alignment feasibility for CTC. A label sequence of length S fits into T
 * frames only if T ≥ S + R, where R counts adjacent repeats: "aa" needs a
 * blank between the two a's ("a-a"), otherwise they collapse into one.
 * Checking this before training catches the #1 cause of inf/NaN CTC losses
 * (inputs shortened too much by subsampling).
 */

/** Number of positions i with labels[i] === labels[i - 1]. */
export function ctcRepeats(labels: ArrayLike<number>, start = 0, length = labels.length - start): number {
  let r = 0;
  for (let i = start + 1; i < start + length; i++) if (labels[i] === labels[i - 1]) r++;
  return r;
}

/** The fewest frames that can emit `labels`: its length plus its adjacent repeats. */
export function ctcMinInputLength(labels: ArrayLike<number>): number {
  return labels.length + ctcRepeats(labels);
}

/** True when `labels` can be aligned to `inputLength` frames (use it to filter data before training). */
export function ctcAlignable(labels: ArrayLike<number>, inputLength: number): boolean {
  return inputLength >= ctcMinInputLength(labels);
}
