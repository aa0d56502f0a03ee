/** --beam 1 with the word list (shipped digits model): what was decoded is what is reported. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, formatEval } from '../src/evaluate.js';
import { APP_DIR, DEFAULT_MODEL_PATH, SAMPLES_DIR } from '../src/paths.js';
import { transcribe } from '../src/transcribe.js';

const ROOT = join(APP_DIR, '..', '..');
const SAMPLE = join(SAMPLES_DIR, 'digits-george-371.wav');

describe('beam 1 + word list on the shipped samples', () => {
  it('transcribe marks a result whose width-1 search found no word-list transcript', async () => {
    // The shipped ensemble hardly ever makes the space the best label of a frame, so its
    // width-1 word-list search starts a second word it cannot finish ("three e…").
    const [t] = await transcribe({ files: [SAMPLE], model: DEFAULT_MODEL_PATH, beam: 1, useLexicon: true, timestamps: false });
    expect(t.outsideWordList).toBe(true);
    expect(t.text).toBe('threeseveone'); // the unconstrained best path, now labelled as such
    const [wide] = await transcribe({ files: [SAMPLE], model: DEFAULT_MODEL_PATH, beam: 16, useLexicon: true, timestamps: false });
    expect(wide).toEqual({ file: SAMPLE, text: 'three seven one', duration: wide.duration });
  });

  it('eval counts those utterances, and its decoding line says so', async () => {
    const r = await evaluate({ data: join(SAMPLES_DIR, 'samples.jsonl'), beam: 1, useLexicon: true, quiet: true });
    expect(r.outsideWordList).toBe(3);
    const text = formatEval(r);
    expect(text).toMatch(/decoding: greedy \+ word list\n/);
    expect(text).toContain("note: 3 of 3 utterances: no transcript made only of the model's words was found at beam 1; the unconstrained best path is used instead (it may hold non-words); a wider --beam (default 16) usually finds one");
    const wide = await evaluate({ data: join(SAMPLES_DIR, 'samples.jsonl'), beam: 16, useLexicon: true, quiet: true });
    expect(wide.outsideWordList).toBe(0);
    expect(formatEval(wide)).not.toContain('note:');
  });

  it('the CLI says it on stderr and in the JSON', () => {
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['--conditions=@tensorkit/source', join(APP_DIR, 'src', 'cli.ts'), 'transcribe', '--beam', '1', '--json', SAMPLE], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!).results[0].outsideWordList).toBe(true);
    expect(r.stderr).toContain(`note: ${SAMPLE}: no transcript made only of the model's words was found at beam 1`);
  });
});
