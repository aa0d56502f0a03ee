/** Entry point of `digits` (run from sources by `pnpm digits …`, or through bin/digits.js from dist/). */
import { runCli } from '@tensorkit/train';
import { main } from './program.js';

await runCli(() => main());
