/**
 * `npm run stack:up | stack:down | stack:status`, or `npx tsx infra/local/stack.ts topics`:
 * the local infrastructure without Docker. State and logs live in infra/local/.state.
 */
import { ensureStack, ensureTopics, stackStatus, stopStack } from './stack-control';

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'up';
  const started = Date.now();
  switch (command) {
    case 'up':
      await ensureStack();
      console.log(`[stack] up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      break;
    case 'down':
      await stopStack();
      console.log('[stack] down');
      break;
    case 'status': {
      const status = await stackStatus();
      console.table(Object.entries(status).map(([component, up]) => ({ component, status: up ? 'up' : 'down' })));
      process.exit(Object.values(status).every(Boolean) ? 0 : 3);
      break;
    }
    case 'topics':
      await ensureTopics();
      break;
    default:
      console.error(`unknown command "${command}": use up, down, status or topics`);
      process.exit(2);
  }
}

main().catch((error: Error) => {
  console.error(`[stack] ${error.message}`);
  process.exit(1);
});
