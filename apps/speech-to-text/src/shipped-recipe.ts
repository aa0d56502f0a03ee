/**
 * The recipe of the shipped digits model (README, *Shipped models*): three members that normalise
 * their input differently — they err differently on a voice none of them heard — each constrained
 * to its words' clips (± 0.2 s) for its first third, then trained with plain CTC. The envelope
 * member trains 36 epochs, the other two 18, so two lanes of work (envelope | mean, then loudness)
 * keep both cores of the reference machine busy for about the same time. scripts/train-shipped.ts
 * runs it and merges the members.
 */
import { join } from 'node:path';

export interface RecipeMember {
  name: 'envelope' | 'mean' | 'loudness';
  /** Arguments of `speech train` (after the command name). */
  args: string[];
  /** The member's model file. */
  out: string;
}

const CONSTRAINED_FIRST = ['--seed', '1', '--align-slack', '0.2', '--tight-edges', '0.3'];

/** The members' `speech train` arguments, writing their models (and run folders) into `workDir`. */
export function shippedDigitsMembers(data: string, workDir: string): RecipeMember[] {
  const member = (name: RecipeMember['name'], file: string, flags: string[]): RecipeMember => {
    const out = join(workDir, file);
    return { name, out, args: ['--data', data, ...CONSTRAINED_FIRST, ...flags, '--out', out] };
  };
  return [
    member('envelope', 'env.safetensors', ['--epochs', '36', '--align-epochs', '12']),
    member('mean', 'mean.safetensors', ['--input-norm', 'speech-mean', '--epochs', '18', '--align-epochs', '6']),
    member('loudness', 'loud.safetensors', ['--input-norm', 'loudness', '--epochs', '18', '--align-epochs', '6']),
  ];
}

/** Members grouped into lanes that run side by side: one lane per core, longest work first. */
export function recipeLanes(members: readonly RecipeMember[], lanes: 1 | 2): RecipeMember[][] {
  if (lanes === 1) return [[...members]];
  return [members.filter((m) => m.name === 'envelope'), members.filter((m) => m.name !== 'envelope')];
}
