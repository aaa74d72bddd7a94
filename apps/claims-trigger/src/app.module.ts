import { readFileSync } from 'node:fs';
import { type DynamicModule, Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { Topics } from '@kuruma/contracts';
import { DeviceRepository, SqlDatabase } from '@kuruma/data-access-db';
import {
  Hops,
  DatabaseModule,
  KafkaModule,
  OutboxRelayModule,
  PartnerAuthModule,
  REDIS,
  RedisModule,
  SERVICE_KIT,
  ServiceKitModule,
  type ServiceKit,
  TopicNames,
} from '@kuruma/service-kit';
import { ChangeClaimReserveUseCase } from './claims/change-claim-reserve.use-case';
import { ChangeClaimStatusUseCase } from './claims/change-claim-status.use-case';
import { RecordClaimPaymentUseCase } from './claims/record-claim-payment.use-case';
import { ClaimsController } from './claims/claims.controller';
import type { ClaimsTriggerConfig } from './claims-trigger.config';
import { BrokerAdmin } from './devices/broker-admin';
import { DEVICE_CHANGE_LOCK, type DeviceChangeLock } from './devices/device-change.lock';
import { deviceCertificates } from './devices/device-certificates.config';
import { DeviceDirectory } from './devices/device-directory';
import { DevicesController } from './devices/devices.controller';
import { deviceLifecycleProviders } from './devices/devices.providers';
import { IntakeAccountsProvisioning } from './devices/intake-accounts.provisioning';
import { RegisterDeviceUseCase } from './devices/register-device.use-case';
import { DamageFlags } from './fraud-guard/damage-flags';
import { DamageFlagsRebuild } from './fraud-guard/damage-flags.rebuild';
import { DeviceSignalsMqttHandler } from './intake/device-signals.mqtt-handler';
import { TripSummariesMqttHandler } from './intake/trip-summaries.mqtt-handler';
import { mqttIntakeProviders } from './intake/mqtt-intake.providers';

/**
 * claims-trigger: device alerts in over MQTT (triage, correlation, one claim per accident), the
 * device registration and the claims API over HTTP. It consumes no Kafka topic: the claim
 * transaction reads the policy in force from Postgres (docs/claims.md).
 */
@Module({})
export class ClaimsTriggerModule {
  static forRoot(config: ClaimsTriggerConfig): DynamicModule {
    const mqttCa = config.MQTT_CA_FILE ? readFileSync(config.MQTT_CA_FILE) : undefined;
    return {
      module: ClaimsTriggerModule,
      imports: [
        ServiceKitModule.forService(config),
        // Alerts and telemetry are written by group commit (three writers at most); dead letters, the
        // device lookups and the ops API use the rest. Plain SQL only: no Prisma client in this
        // process (its query compiler costs 50-100 MB resident).
        DatabaseModule.forRoot({ writerPoolSize: () => Math.max(config.DATABASE_POOL_SIZE, config.MQTT_INTAKE_CONNECTIONS + 4) }),
        KafkaModule.forRoot(),
        RedisModule.forRoot({ autoPipelining: true }),
        // Each claim event also goes to its partner's own topic, the only one the partner may read.
        OutboxRelayModule.forRoot({
          mirrorToPartnerTopics: { sharedTopic: Topics.claimEvents, kind: 'claimEvents' },
          hop: { name: Hops.claimsCommitToClaimTopic, topic: Topics.claimEvents },
        }),
        PartnerAuthModule.forRoot(),
      ],
      controllers: [DevicesController, ClaimsController, DeviceSignalsMqttHandler, TripSummariesMqttHandler],
      providers: [
        { provide: DamageFlags, inject: [REDIS], useFactory: (redis: Redis) => new DamageFlags(redis) },
        DamageFlagsRebuild,
        {
          provide: BrokerAdmin,
          inject: [SERVICE_KIT],
          useFactory: (kit: ServiceKit) => {
            const admin = new BrokerAdmin({ url: config.MQTT_URL, username: config.MQTT_ADMIN_USER, password: config.MQTT_ADMIN_PASSWORD, ca: mqttCa, deviceAccountPrefix: config.MQTT_DEVICE_ACCOUNT_PREFIX });
            kit.shutdown.register('mqtt-admin', () => admin.close(), 'clients');
            return admin;
          },
        },
        IntakeAccountsProvisioning,
        ...mqttIntakeProviders(config, mqttCa),
        {
          provide: RegisterDeviceUseCase,
          inject: [SqlDatabase, BrokerAdmin, DeviceDirectory, SERVICE_KIT, DEVICE_CHANGE_LOCK],
          useFactory: (sql: SqlDatabase, admin: BrokerAdmin, directory: DeviceDirectory, kit: ServiceKit, lock: DeviceChangeLock) =>
            new RegisterDeviceUseCase(new DeviceRepository(sql), () => admin.deviceAccounts(), directory, config.MQTT_PUBLIC_URL, kit.logger, lock, deviceCertificates(config)),
        },
        ...deviceLifecycleProviders,
        {
          provide: ChangeClaimStatusUseCase,
          inject: [SqlDatabase, DamageFlags, TopicNames, SERVICE_KIT],
          useFactory: (sql: SqlDatabase, flags: DamageFlags, topics: TopicNames, kit: ServiceKit) => new ChangeClaimStatusUseCase(sql, flags, kit.name, (base) => topics.of(base), kit.clock),
        },
        { provide: ChangeClaimReserveUseCase, inject: [SqlDatabase, SERVICE_KIT], useFactory: (sql: SqlDatabase, kit: ServiceKit) => new ChangeClaimReserveUseCase(sql, kit.clock) },
        { provide: RecordClaimPaymentUseCase, inject: [SqlDatabase, SERVICE_KIT], useFactory: (sql: SqlDatabase, kit: ServiceKit) => new RecordClaimPaymentUseCase(sql, kit.clock) },
      ],
    };
  }
}
