import { describe, expect, it } from 'vitest';
import { intakeClientIds } from '@kuruma/data-access-messaging';
import { instanceEnv, instanceMqttClientId } from './service-runtime';

describe(instanceEnv.name, () => {
  const base = { port: 3004, claimsOpsPort: 3104, mqttClientId: 'kuruma-claims-trigger-1' };

  it('leaves the first instance as configured', () => {
    expect(instanceEnv('claims-trigger', 0, base)).toEqual({});
  });

  it('gives the second instance its own HTTP ports and MQTT client id, nothing else (same consumer and share groups)', () => {
    expect(instanceEnv('claims-trigger', 1, base)).toEqual({ CLAIMS_TRIGGER_PORT: '3014', CLAIMS_TRIGGER_OPS_PORT: '3114', MQTT_CLIENT_ID: 'kuruma-claims-trigger-2' });
    expect(instanceEnv('booking-ingest', 1, { ...base, port: 3001 })).toEqual({ BOOKING_INGEST_PORT: '3011' });
  });

  it('never gives two instances an MQTT connection id in common (a shared id would take over the other session)', () => {
    for (const first of ['kuruma-claims-trigger-1', 'intake', 'test-claims-trigger-1']) {
      const one = new Set(intakeClientIds(instanceMqttClientId(first, 0)));
      const two = intakeClientIds(instanceMqttClientId(first, 1));
      expect(two.filter((id) => one.has(id))).toEqual([]);
    }
  });
});
