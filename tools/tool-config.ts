import { z } from 'zod';
import { envInt, parseEnv } from '@kuruma/config';

/** Developer tools read the same variables as the services (see .env.example). */
export function loadDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return parseEnv(
    z.object({ DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/kuruma') }),
    env,
  ).DATABASE_URL;
}

/** How long `migrate --wait` waits for the migrations before it fails (the pod then restarts it). */
export function loadMigrateWaitSeconds(env: NodeJS.ProcessEnv = process.env): number {
  return parseEnv(z.object({ MIGRATE_WAIT_SECONDS: envInt(600, 1, 86_400) }), env).MIGRATE_WAIT_SECONDS;
}
