/**
 * `npm run driver:erase -- --partner <id> --driver <the partner's driver reference> --actor <ops user> --request <ticket>`:
 * honours a driver's deletion request (docs/privacy.md, APPI): deletes every trip summary and
 * booking link held under the driver's pseudonym at that partner and writes one audit entry (by
 * pseudonym, never the reference), in one transaction. Run again, it finds nothing and says so;
 * its audit entry records that too. Prints one JSON line per step.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { driverDataVars, parseEnv } from '@kuruma/config';
import { identifierSchema, isStorableText } from '@kuruma/contracts';
import { DriverRecordRepository, SqlDatabase } from '@kuruma/data-access-db';
import { driverPseudonym } from '@kuruma/domain-rating';

const env = parseEnv(
  z.object({
    DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/kuruma'),
    DRIVER_PSEUDONYM_KEY: driverDataVars.DRIVER_PSEUDONYM_KEY,
  }),
);

const argsSchema = z.object({
  partner: identifierSchema,
  driver: identifierSchema,
  actor: z.string().min(1).max(128).refine(isStorableText, 'must not contain NUL or unpaired surrogates'),
  request: z.string().min(1).max(256).refine(isStorableText, 'must not contain NUL or unpaired surrogates'),
});

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { partner: { type: 'string' }, driver: { type: 'string' }, actor: { type: 'string' }, request: { type: 'string' } } });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`--${issue.path.join('.')}: ${issue.message}`);
    console.error('usage: npm run driver:erase -- --partner <id> --driver <driver reference> --actor <ops user> --request <ticket or reference>');
    process.exit(2);
  }
  const args = parsed.data;
  const driverKey = driverPseudonym(env.DRIVER_PSEUDONYM_KEY, args.partner, args.driver);
  const db = new SqlDatabase({ url: env.DATABASE_URL, poolSize: 1, applicationName: 'driver-erase' });
  try {
    console.log(JSON.stringify({ step: 'erasing', partnerId: args.partner, driverKey }));
    const erased = await db.$transaction(async (tx) => {
      const repository = new DriverRecordRepository(tx);
      const counts = await repository.erase(args.partner, driverKey);
      await repository.auditErasure({ actor: args.actor, partnerId: args.partner, driverKey, requestReference: args.request, erased: counts });
      return counts;
    });
    console.log(JSON.stringify({ step: 'erased', partnerId: args.partner, driverKey, ...erased }));
  } finally {
    await db.end();
  }
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ step: 'failed', error: error instanceof Error ? error.message : String(error) }));
  process.exit(1);
});
