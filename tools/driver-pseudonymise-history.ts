/**
 * `npm run driver:pseudonymise-history`: replaces the partner's driver reference by the driver's
 * pseudonym in the records of bookings accepted before booking-ingest did so at acceptance
 * (docs/privacy.md, "Not done" until this ran). Needs the services' DRIVER_PSEUDONYM_KEY. Prints
 * one JSON line per batch and the totals; run again, it finds nothing.
 */
import { z } from 'zod';
import { driverPseudonymVars, parseEnv } from '@kuruma/config';
import { SqlDatabase } from '@kuruma/data-access-db';
import { pseudonymiseHistory } from './driver-history/pseudonymise-history';

const env = parseEnv(
  z.object({
    DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/kuruma'),
    DRIVER_PSEUDONYM_KEY: driverPseudonymVars.DRIVER_PSEUDONYM_KEY,
  }),
);

async function main(): Promise<void> {
  const db = new SqlDatabase({ url: env.DATABASE_URL, poolSize: 1, applicationName: 'driver-pseudonymise-history' });
  try {
    const total = await pseudonymiseHistory(db, env.DRIVER_PSEUDONYM_KEY, 500, (counts) => console.log(JSON.stringify({ step: 'batch', ...counts })));
    console.log(JSON.stringify({ step: 'done', ...total }));
  } finally {
    await db.end();
  }
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ step: 'failed', error: error instanceof Error ? error.message : String(error) }));
  process.exit(1);
});
