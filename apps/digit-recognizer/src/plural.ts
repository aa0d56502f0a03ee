/** `1 epoch`, `2 epochs`: a count with its noun in the right number. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
