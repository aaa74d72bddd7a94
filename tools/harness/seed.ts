/**
 * Seeds a development or test stack: the `demo` partner (API key and webhook secret from the
 * environment, defaults in .env.example; on Kafka its principal `partner.demo`, its topics and
 * ACLs), the ops admin account and extra accounts, and the shipped tariff files as approved
 * versions (seedShippedTariffs, which also runs in production). Idempotent; refuses to run in
 * production, where partners and users are provisioned on purpose, not from defaults.
 */
import { scryptSync, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { demoPartnerKafkaVars, demoPartnerVars, opsVars, parseEnv } from '@kuruma/config';
import { createDatabase, PartnerRepository, SqlDatabase, TariffVersionRepository } from '@kuruma/data-access-db';
import { shippedTariffDocuments } from '@kuruma/domain-rating';
import { provisionPartner } from '../../infra/local/partner-provisioning';

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 });
  return `scrypt$16384$8$1$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** The console's roles (apps/ops-console auth): an account with any other role could never sign in usefully. */
const OPS_ROLES = ['viewer', 'claims-handler', 'actuary', 'admin'];

/**
 * The tariff files this build ships, as approved versions scheduled at their own effectiveFrom
 * (they were reviewed with the code that ships them). Idempotent; an edited file becomes a new
 * version that supersedes the old one for new cover. Safe in production: it adds only versions
 * whose content the release carries, and never changes a stored one.
 */
export async function seedShippedTariffs(databaseUrl: string): Promise<string[]> {
  const db = new SqlDatabase({ url: databaseUrl, poolSize: 1, applicationName: 'seed-tariffs' });
  try {
    return await new TariffVersionRepository(db).seedShipped(shippedTariffDocuments, new Date());
  } finally {
    await db.end();
  }
}

export async function seed(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = parseEnv(
    z.object({
      APP_ENV: z.enum(['development', 'test', 'production']).default('development'),
      DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/kuruma'),
      ...demoPartnerVars,
      ...demoPartnerKafkaVars,
      ...opsVars,
    }),
    env,
  );
  if (config.APP_ENV === 'production') throw new Error('seed is for development and test stacks only');
  const db = await createDatabase({ url: config.DATABASE_URL, poolSize: 2, applicationName: 'seed' });
  try {
    await new PartnerRepository(db).upsert({
      id: 'demo',
      name: 'Demo Carshare',
      apiKey: config.DEMO_PARTNER_API_KEY,
      webhookSecret: config.DEMO_PARTNER_WEBHOOK_SECRET,
    });
    const users = [
      { username: config.OPS_ADMIN_USER, password: config.OPS_ADMIN_PASSWORD, role: 'admin' },
      ...config.OPS_EXTRA_USERS.split(',')
        .filter(Boolean)
        .map((entry) => {
          const [username, password, role] = entry.split(':');
          return { username, password, role };
        }),
    ];
    for (const user of users) {
      if (!OPS_ROLES.includes(user.role ?? '')) throw new Error(`OPS_EXTRA_USERS: ${user.username} has role ${user.role}; roles are ${OPS_ROLES.join(', ')}`);
      await db.opsUser.upsert({
        where: { username: user.username },
        create: { username: user.username, passwordHash: hashPassword(user.password), role: user.role },
        update: { passwordHash: hashPassword(user.password), role: user.role },
      });
    }
    await seedShippedTariffs(config.DATABASE_URL);
    await provisionPartner('demo', { password: config.DEMO_PARTNER_KAFKA_PASSWORD }, env);
    console.log(`seeded partner demo (Kafka principal partner.demo) and ${users.length} ops account(s)`);
  } finally {
    await db.$disconnect();
  }
}
