import { describe, expect, it } from 'vitest';
import { checkMqttAccountNames } from './service-secrets.config';
import { loadStackConfig } from './stack.config';

const ok = { MQTT_DEVICE_ACCOUNT_PREFIX: 'device:', MQTT_ADMIN_USER: 'kuruma-admin', MQTT_CLIENT_ID: 'kuruma-claims-trigger-1' };

describe(checkMqttAccountNames.name, () => {
  it('accepts the defaults', () => {
    expect(() => checkMqttAccountNames(ok)).not.toThrow();
  });

  it('finding 1: refuses an admin account inside the device namespace, naming the variable', () => {
    expect(() => checkMqttAccountNames({ ...ok, MQTT_ADMIN_USER: 'device:admin' })).toThrow(/MQTT_ADMIN_USER: must not start with the device account prefix/);
  });

  it('finding 1: refuses intake accounts (named after MQTT_CLIENT_ID) inside the device namespace', () => {
    expect(() => checkMqttAccountNames({ ...ok, MQTT_CLIENT_ID: 'device:intake' })).toThrow(/MQTT_CLIENT_ID: must not start/);
  });

  it("finding 1: refuses intake accounts that would be the admin's (their passwords are reset at start)", () => {
    expect(() => checkMqttAccountNames({ ...ok, MQTT_CLIENT_ID: 'kuruma-admin' })).toThrow(/must not include MQTT_ADMIN_USER/);
    expect(() => checkMqttAccountNames({ ...ok, MQTT_CLIENT_ID: 'kuruma', MQTT_ADMIN_USER: 'kuruma-3' })).toThrow(/must not include MQTT_ADMIN_USER/);
    expect(() => checkMqttAccountNames({ ...ok, MQTT_CLIENT_ID: 'kuruma' })).not.toThrow();
  });

  it('is applied when the stack configuration is loaded', () => {
    expect(() => loadStackConfig({ MQTT_ADMIN_USER: 'device:root' })).toThrow(/MQTT_ADMIN_USER/);
    expect(() => loadStackConfig({ MQTT_DEVICE_ACCOUNT_PREFIX: '' })).toThrow(/MQTT_DEVICE_ACCOUNT_PREFIX/);
  });
});
