import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Path aliases come from tsconfig.base.json so tests resolve libraries exactly as the build does. */
export function workspaceAliases(): Record<string, string> {
  const tsconfig = JSON.parse(readFileSync(resolve(__dirname, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return Object.fromEntries(
    Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [alias, resolve(__dirname, target)]),
  );
}
