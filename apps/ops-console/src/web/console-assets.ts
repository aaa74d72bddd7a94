import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const CONSOLE_ASSETS = Symbol('CONSOLE_ASSETS');

/**
 * Where the browser files are: next to the bundle (dist/apps/ops-console/web, copied by the build)
 * or, when run from source, apps/ops-console/web. Everything is served locally: no CDN, no tiles.
 */
export function consoleAssetsDir(): string {
  const candidates = [join(__dirname, 'web'), resolve(__dirname, '../web'), resolve(process.cwd(), 'apps/ops-console/web')];
  const found = candidates.find((dir) => existsSync(join(dir, 'console.html')));
  if (!found) throw new Error(`ops console assets not found in ${candidates.join(', ')}`);
  return found;
}

/** uPlot's browser build, served from node_modules so its version is the one package-lock pins. */
export function uplotDir(): string {
  return join(dirname(require.resolve('uplot/package.json')), 'dist');
}
