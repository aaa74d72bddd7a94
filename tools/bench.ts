/**
 * `npm run bench`: the platform's figures next to this machine's ceiling, in one run.
 *
 * Runs against the real stack in its own corner (database kuruma_bench, topic namespace `bench.`,
 * ports 14000-14004), with the services built and started as real processes, exactly as the
 * end-to-end tests run them. Each stage is a module of tools/bench/stages/; `-- --only sustained,fnol`
 * re-measures some of them. Writes bench/results/<timestamp>.json and prints a summary table;
 * docs/benchmarks.md explains the figures and what limits each one.
 */

// The bench uses the end-to-end harness with its own namespace, database and ports.
process.env['TEST_PORT_BASE'] ??= '14000';
process.env['TEST_DATABASE_URL'] ??= 'postgresql://postgres@127.0.0.1:5432/kuruma_bench';
process.env['TEST_TOPIC_NAMESPACE'] ??= 'bench.';
process.env['TEST_GROUP_PREFIX'] ??= 'bench';
process.env['TEST_REDIS_URL'] ??= 'redis://127.0.0.1:6379/14';
process.env['TEST_LOG_LEVEL'] ??= 'warn';

async function main(): Promise<void> {
  // Imported once the defaults above are set: the harness reads its corner of the stack at load.
  const { runBench } = await import('./bench/run-bench');
  await runBench(process.argv.slice(2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
