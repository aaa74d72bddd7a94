import type { Provider } from '@nestjs/common';
import { DeviceRepository, DrivingTripRepository, SqlDatabase } from '@kuruma/data-access-db';
import { MqttIntakeServer, SERVICE_KIT, ServiceMetrics, type ServiceKit, TopicNames } from '@kuruma/service-kit';
import type { ClaimsTriggerConfig } from '../claims-trigger.config';
import { DeviceDirectory } from '../devices/device-directory';
import { DamageFlags } from '../fraud-guard/damage-flags';
import { DeviceSignalDeadLetters } from './device-signal.dead-letters';
import { DeviceSignalMetrics } from './device-signal.metrics';
import { HandleDeviceSignalUseCase } from './handle-device-signal.use-case';
import { RecordTripSummaryUseCase } from './record-trip-summary.use-case';

/** The device intake: the MQTT transport, the signal use case it drives and where failing messages go. */
export function mqttIntakeProviders(config: ClaimsTriggerConfig, ca: Buffer | undefined): Provider[] {
  return [
    { provide: DeviceSignalMetrics, inject: [ServiceMetrics], useFactory: (metrics: ServiceMetrics) => new DeviceSignalMetrics(metrics) },
    { provide: DeviceDirectory, inject: [SqlDatabase], useFactory: (sql: SqlDatabase) => new DeviceDirectory(new DeviceRepository(sql)) },
    {
      provide: HandleDeviceSignalUseCase,
      inject: [SqlDatabase, DeviceDirectory, DamageFlags, DeviceSignalDeadLetters, TopicNames, SERVICE_KIT],
      useFactory: (sql: SqlDatabase, directory: DeviceDirectory, damageFlags: DamageFlags, deadLetters: DeviceSignalDeadLetters, topics: TopicNames, kit: ServiceKit) =>
        new HandleDeviceSignalUseCase(sql, directory, damageFlags, deadLetters, signalSettings(config, topics, kit.name), kit.logger, kit.clock),
    },
    {
      provide: RecordTripSummaryUseCase,
      inject: [SqlDatabase, DeviceDirectory, DeviceSignalDeadLetters, SERVICE_KIT],
      useFactory: (sql: SqlDatabase, directory: DeviceDirectory, deadLetters: DeviceSignalDeadLetters, kit: ServiceKit) =>
        new RecordTripSummaryUseCase(new DrivingTripRepository(sql), directory, deadLetters, { maxFutureSkewMs: config.MAX_FUTURE_SKEW_MS, maxLatenessMs: config.MAX_SIGNAL_LATENESS_MS }, kit.logger),
    },
    {
      provide: DeviceSignalDeadLetters,
      inject: [SqlDatabase, TopicNames, DeviceSignalMetrics, SERVICE_KIT],
      useFactory: (sql: SqlDatabase, topics: TopicNames, metrics: DeviceSignalMetrics, kit: ServiceKit) => new DeviceSignalDeadLetters(sql, kit.name, topics, metrics),
    },
    {
      provide: MqttIntakeServer,
      inject: [SERVICE_KIT, DeviceSignalDeadLetters],
      useFactory: (kit: ServiceKit, deadLetters: DeviceSignalDeadLetters) =>
        new MqttIntakeServer({
          kit,
          url: config.MQTT_URL,
          servicePassword: config.MQTT_SERVICE_PASSWORD,
          ca,
          clientId: config.MQTT_CLIENT_ID,
          shareGroup: config.MQTT_SHARE_GROUP,
          connections: config.MQTT_INTAKE_CONNECTIONS,
          receiveMaximum: config.MQTT_INTAKE_RECEIVE_MAXIMUM,
          stuckAfterMs: config.CONSUMER_STUCK_AFTER_MS,
          maxAttempts: config.CONSUMER_MAX_ATTEMPTS,
          deadLetter: (message, reason, attempts) => deadLetters.write(message, reason, attempts),
        }),
    },
  ];
}

function signalSettings(config: ClaimsTriggerConfig, topics: TopicNames, producer: string) {
  return {
    thresholds: { majorPeakG: config.CRASH_MAJOR_G, minorPeakG: config.CRASH_MINOR_G, majorDeltaVKmh: config.CRASH_MAJOR_DELTA_V_KMH, rolloverDeg: config.CRASH_ROLLOVER_DEG },
    accidentWindowMs: config.ACCIDENT_WINDOW_MS,
    maxFutureSkewMs: config.MAX_FUTURE_SKEW_MS,
    maxLatenessMs: config.MAX_SIGNAL_LATENESS_MS,
    topic: (base: string) => topics.of(base),
    producer,
    alertRate: { perSecond: config.DEVICE_ALERT_RATE_PER_S, burst: config.DEVICE_ALERT_BURST },
  };
}
