/**
 * `npm run db:seed`: the demo partner, the ops accounts and the shipped tariff versions on the
 * development stack (tools/harness/seed.ts). `npm run db:seed -- --tariffs` seeds only the shipped
 * tariff versions, also in production (a release runs it after `db:migrate`).
 */
import { seed, seedShippedTariffs } from './harness';
import { loadDatabaseUrl } from './tool-config';

const run = process.argv.includes('--tariffs')
  ? seedShippedTariffs(loadDatabaseUrl()).then((added) => console.log(`tariff versions added: ${added.length ? added.join(', ') : 'none (all shipped versions already stored)'}`))
  : seed();
run.catch((error: Error) => {
  console.error(`seed failed: ${error.message}`);
  process.exit(1);
});
