// Builds the library into a folder with its own tsconfig, as `npm run build` does, for tests that
// load the output (a browser).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TSC = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
const PROJECT = fileURLToPath(new URL('../../tsconfig.json', import.meta.url));

export function buildLibrary(outDir: string): void {
  execFileSync(process.execPath, [TSC, '-p', PROJECT, '--outDir', outDir], { stdio: 'inherit' });
}
