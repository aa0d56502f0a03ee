/** `pnpm download <dataset> [--out DIR] [--base-url URL]` — see @tensorkit/data's downloadCli. */
import { downloadCli } from '@tensorkit/data';

downloadCli(process.argv.slice(2)).catch((e: Error) => {
  process.stderr.write(`error: ${e.message}\n`);
  process.exitCode = 1;
});
