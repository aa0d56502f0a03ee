/**
 * `pnpm download <dataset> [--out DIR] [--base-url URL]`: fetches a registered
 * dataset with checksum verification, resuming partial files. `--base-url`
 * replaces each file's host and folder (a mirror, or a local test server)
 * while keeping its file name and checksum.
 */
import { mkdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { downloadFiles } from './dataset-download.js';
import { DATASETS, type DatasetName, type RemoteFile } from './registry.js';

const USAGE = `usage: download <${Object.keys(DATASETS).join('|')}> [--out DIR] [--base-url URL]`;

export async function downloadCli(argv: readonly string[], log: (line: string) => void = console.log): Promise<string> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { out: { type: 'string' }, 'base-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    log(USAGE);
    return '';
  }
  const name = positionals[0];
  if (!name || !(name in DATASETS)) throw new Error(`download: unknown dataset '${name ?? ''}'\n${USAGE}`);
  // `download mnist agNews` would otherwise fetch mnist only and look done.
  if (positionals.length > 1) throw new Error(`download: one dataset at a time, got '${positionals.join(' ')}'\n${USAGE}`);
  const spec = DATASETS[name as DatasetName];
  const dir = values.out ?? `data/${name}`;
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    // A bare `EEXIST: file already exists, mkdir …` does not say which option is wrong.
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`--out ${dir}: cannot create that folder (${code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : (e as Error).message})`);
  }
  let files: Record<string, RemoteFile> = spec.files;
  const base = values['base-url'];
  if (base) {
    const root = base.endsWith('/') ? base : base + '/';
    files = Object.fromEntries(Object.entries(spec.files).map(([k, f]) => [k, { ...f, url: root + f.fileName }]));
  }
  log(`${spec.name} (${spec.license}) → ${dir}`);
  const results = await downloadFiles(files, dir);
  for (const [key, r] of Object.entries(results)) log(`  ${key}: ${r.path} (${r.bytes} bytes${r.cached ? ', already present' : r.resumed ? ', resumed' : ''})`);
  return dir;
}
