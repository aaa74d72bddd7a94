/**
 * `npm run chaos`: the full fault-injection run (see docs/reliability.md). Kills every service at
 * least 20 times while bookings and device alerts flow, restarts Kafka and Mosquitto, cuts
 * Postgres connections, pauses Redis, storms the policy consumer group, then checks the ledger and
 * writes chaos/results/<timestamp>.json. Exit code 1 when any promise was broken.
 *
 *   npm run chaos -- [--bookings 1500] [--minutes 8] [--seed 7] [--rounds 22] [--kafka-brokers 1|3] [--instances 1|2]
 *
 * `--rounds 6 --minutes 2 --bookings 300` is a quick pass of every kind of fault (a few minutes).
 * `--kafka-brokers 3` runs on the three-node cluster (KAFKA_CLUSTER_SIZE=3) and adds the broker
 * faults only a cluster survives (chaos/broker-faults.ts); `--instances 2` runs two instances of
 * every service and kills one, the other or both (chaos/instance-kills.ts).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

// Its own corner of the stack, like the bench: database, topic namespace, groups, ports.
process.env['TEST_PORT_BASE'] ??= '15000';
process.env['TEST_DATABASE_URL'] ??= 'postgresql://postgres@127.0.0.1:5432/kuruma_chaos';
process.env['TEST_TOPIC_NAMESPACE'] ??= 'chaos.';
process.env['TEST_GROUP_PREFIX'] ??= 'chaos';
process.env['TEST_REDIS_URL'] ??= 'redis://127.0.0.1:6379/13';

const USAGE = `npm run chaos -- [--bookings 1500] [--minutes 8] [--seed 7] [--rounds 22] [--kafka-brokers 1|3] [--instances 1|2]
  The full fault-injection run (docs/reliability.md): every service killed 20+ times, Kafka and
  Mosquitto restarted, Postgres connections cut, Redis paused, the policy group rebalanced, while
  bookings, device alerts and webhook deliveries flow (to a receiver that is down, slow, answering
  500 or 410 in turn); then the ledger is checked. --rounds: rounds of faults (a kill of every
  service, then one other fault); 6 reach every kind once, a quick pass.
  --kafka-brokers 3: a three-node Kafka cluster (as KAFKA_CLUSTER_SIZE=3); each round also kills -9
  the broker leading the most partitions, the active controller, or one broker for a minute, in
  turn, and a Kafka restart is one node at a time. --instances 2: two of every service; a kill
  hits one instance, the other, or both. Writes chaos/results/<timestamp>.json.`;

/** Seconds from the last fault within which every consumer group must be back to lag 0 (the verdict, docs/reliability.md). */
const RECOVERY_LIMIT_S = 60;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      bookings: { type: 'string', default: '1500' },
      minutes: { type: 'string', default: '8' },
      seed: { type: 'string', default: '7' },
      rounds: { type: 'string', default: '22' },
      'kafka-brokers': { type: 'string' },
      instances: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const instances = Number(values.instances);
  if (!Number.isInteger(instances) || instances < 1 || instances > 2) throw new Error(`--instances must be 1 or 2, not ${values.instances}`);
  if (values['kafka-brokers'] !== undefined && !['1', '3'].includes(values['kafka-brokers'])) throw new Error(`--kafka-brokers must be 1 or 3, not ${values['kafka-brokers']}`);
  // Read by the stack scripts and the harness's environment when they load (below).
  if (values['kafka-brokers'] !== undefined) process.env['KAFKA_CLUSTER_SIZE'] = values['kafka-brokers'];
  // Imported once the defaults above are set: the harness reads its corner of the stack at load.
  const { CHAOS_SERVICE_ENV, CHAOS_SERVICES, PlatformProcesses, runChaos, setupStack, TEST_ENV } = await import('./harness');
  const { brokerFaults, restartStoppedBrokers } = await import('./harness/chaos/broker-faults');
  const { startMoreInstances } = await import('./harness/chaos/instance-kills');
  type FaultKind = import('./harness').FaultKind;
  const { ensureStack, stopStack } = await import('../infra/local/stack-control');
  const { loadStackConfig } = await import('@kuruma/config');
  const { LocalKafkaCluster } = await import('../infra/local/kafka-cluster');
  const { Redis } = await import('ioredis');
  const { SingleBar, Presets } = await import('cli-progress');

  await setupStack();
  const clustered = loadStackConfig().KAFKA_CLUSTER_SIZE > 1;
  const platform = new PlatformProcesses(CHAOS_SERVICE_ENV);
  await platform.start([...CHAOS_SERVICES]);
  await startMoreInstances(platform, CHAOS_SERVICES, instances);
  const durationMs = Number(values.minutes) * 60_000;
  // 22 rounds of: each of the five services killed once, then one other fault in turn (and on a
  // cluster one broker fault in turn). A kill (down for up to 1.5 s, then restart until ready)
  // takes a few seconds, so faults follow each other closely and traffic flows until the whole
  // plan has run.
  const others = ['postgres-cut', 'rebalance', 'redis-pause', 'kafka-restart', 'postgres-cut', 'mosquitto-restart'] as const;
  const brokerKills = ['broker-kill-leader', 'broker-kill-controller', 'broker-down'] as const;
  const faults = Array.from({ length: Number(values.rounds) }, (_, round) => [
    ...CHAOS_SERVICES.map(() => 'kill' as const),
    others[round % others.length],
    ...(clustered ? [brokerKills[round % brokerKills.length]] : []),
  ]).flat();
  const faultEveryMs = 1_000;
  const bar = new SingleBar({ format: 'chaos |{bar}| {percentage}% | {value}/{total} s | {last}', noTTYOutput: true, notTTYSchedule: 10_000 }, Presets.shades_classic);
  bar.start(Math.round(durationMs / 1000), 0, { last: '' });
  const started = Date.now();
  const timer = setInterval(() => bar.update(Math.min(Math.round(durationMs / 1000), Math.round((Date.now() - started) / 1000))), 1_000);
  const redis = new Redis(TEST_ENV['REDIS_URL']);
  // What happened when, kept in the result (the progress bar shows only the latest line) and
  // written as it happens to chaos/results/<start>.log, so a run stopped early still tells.
  const dir = resolve(__dirname, '../chaos/results');
  mkdirSync(dir, { recursive: true });
  const runLog = resolve(dir, `${new Date(started).toISOString().replace(/[:.]/g, '-')}.log`);
  const events: string[] = [];
  const log = (msg: string) => {
    const line = `${new Date().toISOString()} ${msg}`;
    events.push(line);
    appendFileSync(runLog, `${line}\n`);
    bar.update({ last: msg });
  };
  const cluster = new LocalKafkaCluster(process.env, log);
  try {
    const report = await runChaos(platform, {
      bookings: Number(values.bookings),
      coveredAlerts: 150,
      uncoveredAlerts: 50,
      durationMs,
      faultEveryMs,
      faults: faults as FaultKind[],
      seed: Number(values.seed),
      log,
      instances,
      settleInfra: clustered ? () => restartStoppedBrokers(cluster, log) : undefined,
      infraFaults: {
        // On a cluster a restart is one node at a time (rolling); all of them at once is an outage.
        ...(clustered ? brokerFaults(cluster, { log }) : {}),
        ...(clustered
          ? {}
          : {
              'kafka-restart': async () => {
                await stopStack(['kafka']);
                await ensureStack();
              },
            }),
        'mosquitto-restart': async () => {
          await stopStack(['mosquitto']);
          await ensureStack();
        },
        // Redis unresponsive for 5 s: hot state is lost for a while, Postgres stays the truth.
        'redis-pause': async () => void (await redis.call('CLIENT', 'PAUSE', '5000', 'ALL')),
      },
    });
    clearInterval(timer);
    bar.stop();
    if (report.recoverySeconds === null || report.recoverySeconds > RECOVERY_LIMIT_S) report.violations.push(`consumer lag not back to 0 within ${RECOVERY_LIMIT_S} s of the last fault (${report.recoverySeconds ?? 'never'} s)`);
    report.setup = { kafkaBrokers: cluster.nodes.length, instances, rounds: Number(values.rounds), seed: Number(values.seed) };
    report.events = events;
    const file = resolve(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`wrote ${file}`);
    console.table({ ...report.operations.bookings, ...{ policies: report.policies.found, lost: report.policies.lost, duplicated: report.policies.duplicated } });
    console.log(JSON.stringify({ policies: report.policies, claims: report.claims, deadLetters: report.deadLetters, deterministicFailures: report.deterministicFailures, webhooks: report.webhooks, premiumLedger: report.premiumLedger, observer: report.observer, kills: report.kills, faults: report.faults, recoverySeconds: report.recoverySeconds }, null, 2));
    if (report.violations.length) {
      console.error(`${report.violations.length} violation(s):\n${report.violations.slice(0, 50).join('\n')}`);
      process.exitCode = 1;
    }
  } finally {
    clearInterval(timer);
    redis.disconnect();
    await platform.stopAll();
  }
}

// Exit once the report is written and the services are stopped: a handle left open must not keep
// the command alive (docs/reliability.md, design notes).
main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
