#!/usr/bin/env node
/** Entry point of the `news` command (pnpm news …). */
import { runCli } from '@tensorkit/train';
import { main } from './program.js';

// `news predict --file big.txt | head` closes stdout early: stop quietly instead of crashing.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

await runCli(() => main(process.argv.slice(2)));
