import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program.js';
import { recipeFor } from '../src/train.js';
import { DEFAULT_VECTOR_WORDS } from '../src/word-vectors.js';

/** The help line of one option, as `news <command> --help` prints it (wrapping undone). */
function optionHelp(command: string, flag: string): string {
  const cmd = buildProgram().commands.find((c) => c.name() === command)!;
  const opt = cmd.options.find((o) => o.long === flag)!;
  return cmd.createHelp().optionDescription(opt);
}

describe('news --help shows the defaults the code uses', () => {
  // Before: --lr, --batch-size, --dim, --word-ngrams, --label-smoothing and --vector-words showed no
  // default at all, though each has one (and --lr's differs by model type).
  it('train: the per-model-type defaults of the recipe', () => {
    const ft = recipeFor('folder', 2, { data: '', modelType: 'fasttext', seed: 0 });
    const lin = recipeFor('folder', 2, { data: '', modelType: 'linear', seed: 0 });
    expect(ft.lr).not.toBe(lin.lr);
    expect(optionHelp('train', '--lr')).toContain(`default: fasttext ${ft.lr}, linear ${lin.lr}`);
    expect(lin.batchSize).toBe(ft.batchSize);
    expect(optionHelp('train', '--batch-size')).toContain(`default: ${ft.batchSize}`);
    expect(optionHelp('train', '--dim')).toContain(`default: ${ft.dim}`);
    expect(lin.features.wordNgrams).toBe(ft.features.wordNgrams);
    expect(optionHelp('train', '--word-ngrams')).toContain(`default: ${ft.features.wordNgrams}`);
    expect(optionHelp('train', '--label-smoothing')).toContain(`default: ${ft.labelSmoothing}`);
    expect(optionHelp('train', '--vector-words')).toContain(`default: ${DEFAULT_VECTOR_WORDS}`);
  });

  // Before: "or one file: … a 20news-bydate-*.tar.gz", but eval refuses 20news-bydate-train.tar.gz
  // ("20 Newsgroups layout without a test side").
  it('eval --data names only the archives that hold a test side', () => {
    const help = optionHelp('eval', '--data');
    expect(help).not.toContain('20news-bydate-*.tar.gz');
    expect(help).toContain('20news-bydate-test.tar.gz');
    expect(help).toContain('20news-bydate.tar.gz');
  });
});
