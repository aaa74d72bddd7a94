/** `npm run db:seed`: the demo partner and the ops accounts on the development stack (tools/harness/seed.ts). */
import { seed } from './harness';

seed().catch((error: Error) => {
  console.error(`seed failed: ${error.message}`);
  process.exit(1);
});
