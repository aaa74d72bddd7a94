import { readFileSync } from 'node:fs';
import { DeviceAccounts } from '@kuruma/data-access-messaging';
import type { ClaimsTriggerConfig } from '../claims-trigger.config';
import { DeviceCertificateIssuer } from './device-certificate.issuer';
import type { DeviceCertificates } from './register-device.use-case';

/** Device certificates are issued when the device CA's certificate and key are both configured. */
export function deviceCertificates(config: ClaimsTriggerConfig): DeviceCertificates | undefined {
  if (!config.MQTT_DEVICE_CA_CERT_FILE && !config.MQTT_DEVICE_CA_KEY_FILE) return undefined;
  if (!config.MQTT_DEVICE_CA_CERT_FILE || !config.MQTT_DEVICE_CA_KEY_FILE) {
    throw new Error('MQTT_DEVICE_CA_CERT_FILE and MQTT_DEVICE_CA_KEY_FILE: set both (device certificates issued) or neither');
  }
  return {
    issuer: new DeviceCertificateIssuer(readFileSync(config.MQTT_DEVICE_CA_CERT_FILE, 'utf8'), readFileSync(config.MQTT_DEVICE_CA_KEY_FILE, 'utf8'), config.DEVICE_CERT_VALIDITY_DAYS),
    url: config.MQTT_PUBLIC_X509_URL,
    commonNameOf: (deviceId) => DeviceAccounts.loginOf(config.MQTT_DEVICE_ACCOUNT_PREFIX, deviceId).username,
  };
}
