/**
 * The libraries' READMEs show runnable examples: each ```ts block preceded by
 * `<!-- example: examples/NAME.ts -->` must be that file, verbatim, and every file in a
 * package's `examples/` folder is run here (they check their own results with node:assert), so
 * a README cannot show code that no longer compiles (`typecheck` covers `examples/`) or runs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, test, vi } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PACKAGES = readdirSync(join(ROOT, 'packages')).filter((p) => existsSync(join(ROOT, 'packages', p, 'README.md')));

interface Embedded { file: string; code: string; line: number }

/** The example blocks a README embeds, in order. */
export function embeddedExamples(markdown: string): Embedded[] {
  const lines = markdown.split('\n');
  const out: Embedded[] = [];
  lines.forEach((l, i) => {
    const m = /^<!-- example: (\S+) -->$/.exec(l.trim());
    if (!m) return;
    if (lines[i + 1]?.trim() !== '```ts') throw new Error(`README line ${i + 1}: the example marker for ${m[1]} must be followed by a \`\`\`ts block`);
    const end = lines.findIndex((x, k) => k > i + 1 && x.trim() === '```');
    if (end < 0) throw new Error(`README line ${i + 1}: the block for ${m[1]} is not closed`);
    out.push({ file: m[1], code: lines.slice(i + 2, end).join('\n'), line: i + 1 });
  });
  return out;
}

test('embeddedExamples reads marked blocks and refuses unclosed ones', () => {
  const md = 'text\n<!-- example: examples/a.ts -->\n```ts\nconst a = 1;\n```\n';
  expect(embeddedExamples(md)).toEqual([{ file: 'examples/a.ts', code: 'const a = 1;', line: 2 }]);
  expect(() => embeddedExamples('<!-- example: examples/a.ts -->\n```ts\nx\n')).toThrow(/not closed/);
  expect(() => embeddedExamples('<!-- example: examples/a.ts -->\ntext\n')).toThrow(/followed by/);
});

for (const pkg of PACKAGES) {
  const dir = join(ROOT, 'packages', pkg);
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  const embedded = embeddedExamples(readme);
  const files = existsSync(join(dir, 'examples')) ? readdirSync(join(dir, 'examples')).filter((f) => f.endsWith('.ts')).sort() : [];

  describe(`packages/${pkg}/README.md`, () => {
    test('embeds every example file verbatim, and only existing ones', () => {
      for (const e of embedded) {
        const path = join(dir, e.file);
        expect(existsSync(path), `line ${e.line}: ${e.file} does not exist`).toBe(true);
        expect(e.code, `line ${e.line}: the block differs from ${e.file}`).toBe(readFileSync(path, 'utf8').trimEnd());
      }
      const shown = new Set(embedded.map((e) => e.file));
      for (const f of files) expect(shown.has(`examples/${f}`), `examples/${f} is not shown in the README`).toBe(true);
    });

    for (const f of files) {
      test(`examples/${f} runs`, async () => {
        const log = vi.spyOn(console, 'log').mockImplementation(() => {});
        try {
          await import(pathToFileURL(join(dir, 'examples', f)).href);
        } finally {
          log.mockRestore();
        }
      });
    }
  });
}
