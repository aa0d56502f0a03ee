/**
 * The op-coverage check behind the core and nn guard tests (op-coverage.test.ts in each
 * package; this file is not a test). Every runtime export of a package must be decided:
 * either covered — listed under a test file that holds its forward tests against
 * hand-checked values and its float64 gradcheck — or listed as non-differentiable with
 * the reason. A new export that is neither fails the guard, so an op cannot be added
 * without that decision; stale or duplicate entries fail it too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CoverageLists {
  /** Test file (relative to the package's test directory) → the exports it covers. */
  covered: Readonly<Record<string, readonly string[]>>;
  /** Why they carry no gradient → the exports. */
  nonDifferentiable: Readonly<Record<string, readonly string[]>>;
}

/** A finite-difference gradient check: core's gradcheck or one of the test helpers around it. */
const GRADCHECK_CALL = /(?<![\w$])(?:gradcheck|gradcheckModule|expectGrad)\(/;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `name` as a whole identifier (so `exp` does not match inside `expand` or `expectClose`). */
export function mentions(name: string): RegExp {
  return new RegExp(`(?<![\\w$])${escapeRegExp(name)}(?![\\w$])`);
}

/**
 * Every problem with the lists for these exports, one readable line each (empty when all
 * is well). A covered export's test file must exist, run a gradcheck and mention it.
 */
export function coverageProblems(exported: readonly string[], lists: CoverageLists, testDir: string): string[] {
  const problems: string[] = [];
  const decided = new Map<string, string>();
  const decide = (name: string, where: string): void => {
    const prev = decided.get(name);
    if (prev !== undefined) problems.push(`${name}: listed twice (${prev}; ${where})`);
    else decided.set(name, where);
  };
  for (const [file, names] of Object.entries(lists.covered)) {
    const path = join(testDir, file);
    const text = existsSync(path) ? readFileSync(path, 'utf8') : null;
    if (text === null) problems.push(`${file}: listed as covering [${names.join(', ')}] but does not exist`);
    else if (!GRADCHECK_CALL.test(text)) problems.push(`${file}: listed as covering [${names.join(', ')}] but runs no gradcheck`);
    for (const name of names) {
      decide(name, `covered by ${file}`);
      if (text !== null && !mentions(name).test(text)) problems.push(`${name}: listed as covered by ${file}, which never mentions it`);
    }
  }
  for (const [reason, names] of Object.entries(lists.nonDifferentiable)) for (const name of names) decide(name, `non-differentiable: ${reason}`);
  const isExported = new Set(exported);
  for (const name of exported) {
    if (!decided.has(name)) {
      problems.push(`${name}: exported but undecided — add forward tests with hand-checked values and a float64 gradcheck and list it under their test file, or list it as non-differentiable with the reason`);
    }
  }
  for (const [name, where] of decided) if (!isExported.has(name)) problems.push(`${name}: listed (${where}) but not exported — remove the stale entry`);
  return problems;
}
