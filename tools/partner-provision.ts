/**
 * `npm run partner:provision -- --partner <id> [--password <secret>]`: onboards a partner on Kafka
 * (its principal `partner.<id>`, topics `partner.<id>.{booking,policy,claim}-events.v1` and their
 * ACLs) as the admin principal (KAFKA_ADMIN_USER / KAFKA_ADMIN_PASSWORD). Idempotent: run again,
 * it changes nothing; with --password it sets that password. A generated password is printed once.
 */
import { parseArgs } from 'node:util';
import { provisionPartner } from '../infra/local/partner-provisioning';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { partner: { type: 'string' }, password: { type: 'string' } } });
  if (!values.partner) throw new Error('usage: npm run partner:provision -- --partner <id> [--password <secret>]');
  const result = await provisionPartner(values.partner, { password: values.password, say: (m) => console.log(`[provision] ${m}`) });
  console.log(`partner ${values.partner}: principal ${result.principal}, topics ${result.topics.join(', ')}`);
  if (result.password && !values.password) console.log(`generated password (shown once; give it to the partner over a secure channel): ${result.password}`);
  else if (!result.password) console.log('the principal existed and keeps its password (pass --password to rotate it)');
}

main().catch((error: Error) => {
  console.error(`[provision] ${error.message}`);
  process.exit(1);
});
