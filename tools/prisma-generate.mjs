// Generates the Prisma client (TypeScript, into libs/data-access/db/src/generated) after install.
// The client needs no native engine at runtime, but the CLI insists on locating a schema-engine
// binary it would otherwise download; where none is available a placeholder satisfies that check.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const placeholder = join(tmpdir(), 'kuruma-prisma-schema-engine-placeholder');
  if (!existsSync(placeholder)) {
    writeFileSync(placeholder, '#!/bin/sh\necho "schema engine not available offline; use npm run db:migrate" >&2\nexit 1\n');
    chmodSync(placeholder, 0o755);
  }
  env.PRISMA_SCHEMA_ENGINE_BINARY = placeholder;
}
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
execFileSync(join(root, 'node_modules/.bin/prisma'), ['generate', '--no-hints'], { cwd: root, env, stdio: 'inherit' });
