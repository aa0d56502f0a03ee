/**
 * Label windows for constrained CTC (nn's `ctcLoss` `labelWindows`) from known word positions.
 * Plain CTC lets a bidirectional model emit a word anywhere in the utterance; on yesno it
 * learned to put a file's first word on the opening background and to merge neighbouring
 * words. With the positions the training data already knows (where each clip or word piece
 * was placed), each word's characters must be emitted within its own sound, give or take
 * `slack` output frames; the space between two words anywhere across both.
 */
/**
 * @param text normalised transcript (words separated by single spaces), one label per character.
 * @param wordFrames each word's [first, last] input feature frame.
 * @param outFrames the sample's model output frames.
 * @returns 2 × text.length frame indices for `labelWindows`.
 */
export function alignmentWindows(text: string, wordFrames: readonly (readonly [number, number])[], outFrames: number, subsample: number, slack: number): number[] {
  const words = text.split(' ');
  if (words.length !== wordFrames.length) throw new Error(`alignmentWindows: ${words.length} words in ${JSON.stringify(text)} but ${wordFrames.length} word positions`);
  const last = outFrames - 1;
  const toOut = (frame: number) => Math.min(last, Math.floor(frame / subsample));
  const span = wordFrames.map(([a, b]): [number, number] => [Math.max(0, toOut(a) - slack), Math.min(last, toOut(b) + slack)]);
  const out: number[] = [];
  words.forEach((w, j) => {
    if (j > 0) out.push(span[j - 1][0], span[j][1]);
    for (let i = 0; i < w.length; i++) out.push(span[j][0], span[j][1]);
  });
  return out;
}
