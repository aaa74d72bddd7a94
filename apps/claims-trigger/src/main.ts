import { readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { PartnerTopics, Topics, topicName } from '@kuruma/contracts';
import { ClaimsRepository, PartnerRepository } from '@kuruma/data-access-db';
import { intakeClientIds, PartnerTopicRouter, provisionIntakeAccounts, StuckWatch } from '@kuruma/data-access-messaging';
import {
  connectDatabase,
  connectSql,
  readerPoolSize,
  connectProducer,
  createLogger,
  createServiceKafka,
  createServiceKit,
  PartnerAuthenticator,
  partnerAuthOptions,
  reportStuckSeconds,
  runService,
  startConsumer,
  startOutboxRelay,
} from '@kuruma/service-kit';
import { ClaimsTriggerModule } from './app.module';
import { ChangeClaimStatusUseCase } from './claims/change-claim-status.use-case';
import { loadClaimsTriggerConfig } from './claims-trigger.config';
import { CoverIndex } from './correlation/cover-index';
import { PolicyEventsKafkaHandler } from './correlation/policy-events.kafka-handler';
import { BrokerAdmin } from './devices/broker-admin';
import { DeviceDirectory } from './devices/device-directory';
import { deviceCertificates } from './devices/device-certificates.config';
import { RegisterDeviceUseCase } from './devices/register-device.use-case';
import { DamageFlags } from './fraud-guard/damage-flags';
import { DeviceSignalsMqttIntake } from './intake/device-signals.mqtt-intake';
import { HandleDeviceSignalUseCase } from './intake/handle-device-signal.use-case';
import { CONFIG, DATABASE } from './tokens';

async function main(): Promise<void> {
  const config = loadClaimsTriggerConfig();
  const kit = createServiceKit(config.SERVICE, config.LOG_LEVEL, createLogger, config.METRICS_TOKEN);
  const topic = (base: string) => topicName(base, config.KAFKA_TOPIC_NAMESPACE);
  const db = connectDatabase(kit, config.DATABASE_URL, readerPoolSize(config.DATABASE_POOL_SIZE));
  // Each intake connection applies one signal at a time and holds a connection meanwhile.
  const sql = connectSql(kit, config.DATABASE_URL, Math.max(config.DATABASE_POOL_SIZE, config.MQTT_INTAKE_CONNECTIONS + 4));
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
  redis.on('error', (err) => kit.logger.warn({ err: err.message }, 'redis error'));
  kit.health.register({ name: 'redis', check: async () => void (await redis.ping()) });
  kit.shutdown.register('redis', async () => void redis.disconnect());
  const kafka = createServiceKafka(kit, config);
  const producer = await connectProducer(kit, kafka);
  // Each event also goes to its partner's own topic, the only one the partner may read.
  const partnerTopics = new PartnerTopicRouter({ kafka, sharedTopic: topic(Topics.claimEvents), partnerTopic: (id) => topic(PartnerTopics.claimEvents(id)), logger: kit.logger });
  await startOutboxRelay(kit, { db: sql, databaseUrl: config.DATABASE_URL, producer, retentionHours: config.OUTBOX_RETENTION_HOURS, partnerTopics });

  const damageFlags = new DamageFlags(redis);
  await damageFlags.rebuild(await new ClaimsRepository().vehiclesWithOpenDamage(db));
  const coverIndex = new CoverIndex(redis);
  const policyEvents = new PolicyEventsKafkaHandler(coverIndex, kit.logger);
  await startConsumer(kit, {
    kafka,
    groupId: `${config.KAFKA_GROUP_PREFIX}.claims-trigger.cover-index`,
    topics: [topic(Topics.policyEvents)],
    handle: (records) => policyEvents.handle(records),
    stuckAfterMs: config.CONSUMER_STUCK_AFTER_MS,
  });

  const directory = new DeviceDirectory(db);
  const useCase = new HandleDeviceSignalUseCase(
    sql,
    directory,
    coverIndex,
    damageFlags,
    {
      thresholds: { majorPeakG: config.CRASH_MAJOR_G, minorPeakG: config.CRASH_MINOR_G, majorDeltaVKmh: config.CRASH_MAJOR_DELTA_V_KMH, rolloverDeg: config.CRASH_ROLLOVER_DEG },
      accidentWindowMs: config.ACCIDENT_WINDOW_MS,
      maxFutureSkewMs: config.MAX_FUTURE_SKEW_MS,
      maxLatenessMs: config.MAX_SIGNAL_LATENESS_MS,
      topic,
      producer: kit.name,
    },
    kit.logger,
  );
  const outcomes = kit.metrics.counter('kuruma_device_signals_total', 'Device signals by outcome', ['outcome']);
  const latency = kit.metrics.histogram('kuruma_device_signal_seconds', 'MQTT receipt to committed effect');
  const intakeProgress = new StuckWatch(config.CONSUMER_STUCK_AFTER_MS);
  reportStuckSeconds(kit, 'mqtt-intake', intakeProgress);
  const ca = config.MQTT_CA_FILE ? readFileSync(config.MQTT_CA_FILE) : undefined;
  const brokerAdmin = new BrokerAdmin({ url: config.MQTT_URL, username: config.MQTT_ADMIN_USER, password: config.MQTT_ADMIN_PASSWORD, ca, deviceAccountPrefix: config.MQTT_DEVICE_ACCOUNT_PREFIX });
  kit.shutdown.register('mqtt-admin', () => brokerAdmin.close());
  // The intake's own accounts, one per client id, and older device accounts bound to their ids;
  // kept from the last start if the admin is away now.
  await brokerAdmin
    .client()
    .then(async (admin) => {
      await provisionIntakeAccounts(admin, intakeClientIds(config.MQTT_CLIENT_ID), config.MQTT_SERVICE_PASSWORD);
      const bound = await (await brokerAdmin.deviceAccounts()).bindLegacyAccounts();
      if (bound) kit.logger.warn({ bound }, 'bound pre-namespace device accounts to their device id as client id; register those devices again for namespaced credentials');
    })
    .catch((error: Error) => kit.logger.error({ err: error.message }, 'could not provision the intake MQTT accounts; connecting with the existing ones'));
  const intake = new DeviceSignalsMqttIntake(
    { url: config.MQTT_URL, servicePassword: config.MQTT_SERVICE_PASSWORD, ca, clientId: config.MQTT_CLIENT_ID, shareGroup: config.MQTT_SHARE_GROUP, connections: config.MQTT_INTAKE_CONNECTIONS },
    useCase,
    kit.logger,
    (outcome, ms) => {
      outcomes.inc({ outcome });
      latency.observe(ms / 1000);
    },
    intakeProgress,
  );
  await intake.start();
  kit.health.register({ name: 'mqtt', check: () => intake.check() });
  kit.shutdown.register('mqtt-intake', () => intake.stop());

  await runService({
    kit,
    module: ClaimsTriggerModule.register(kit, [
      { provide: PartnerAuthenticator, useValue: new PartnerAuthenticator(new PartnerRepository(db), partnerAuthOptions(config)) },
      { provide: DATABASE, useValue: db },
      { provide: CONFIG, useValue: config },
      { provide: RegisterDeviceUseCase, useValue: new RegisterDeviceUseCase(db, () => brokerAdmin.deviceAccounts(), directory, config.MQTT_PUBLIC_URL, kit.logger, deviceCertificates(config)) },
      { provide: ChangeClaimStatusUseCase, useValue: new ChangeClaimStatusUseCase(sql, damageFlags, kit.name, topic) },
    ]),
    host: config.HOST,
    port: config.PORT,
    // The ops console's claim actions arrive here, on an interface partners cannot reach.
    internalListener: { host: config.CLAIMS_TRIGGER_OPS_HOST, port: config.CLAIMS_TRIGGER_OPS_PORT },
  });
}

main().catch((error) => {
  console.error(JSON.stringify({ level: 'fatal', service: 'claims-trigger', msg: 'failed to start', err: String(error?.stack ?? error) }));
  process.exit(1);
});
