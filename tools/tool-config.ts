import { z } from 'zod';
import { parseEnv } from '@kuruma/config';

/** Developer tools read the same variables as the services (see .env.example). */
export function loadDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return parseEnv(
    z.object({ DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/kuruma') }),
    env,
  ).DATABASE_URL;
}
