/**
 * `predict --file` / `explain --file` on a file that is not there: the error used to be only
 * `FILE: cannot read (ENOENT)` — an errno code, and not what the option expects.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTextFile } from '../src/input.js';
import { tempDir } from './helpers.js';

describe('--file names what is wrong with a missing file', () => {
  it('says there is no such file and what was expected', async () => {
    const missing = join(tempDir(), 'missing.txt');
    await expect(readTextFile(missing, 'a plain-text file with one text per line')).rejects.toThrow(
      `${missing}: cannot read (ENOENT): no such file; expected a plain-text file with one text per line`,
    );
  });

  it('"-" is not read as standard input, and says so', async () => {
    await expect(readTextFile('-', 'a plain-text file')).rejects.toThrow(/^-: cannot read \(ENOENT\): no file named "-" \(standard input is not read; give a file name\); expected a plain-text file$/);
  });
});
