import { createHmac } from 'node:crypto';
import { MqttRoles, type DynamicSecurityClient } from './dynamic-security.client';

/** Most connections one intake opens (the MQTT_INTAKE_CONNECTIONS maximum): the ids that may hold its sessions. */
export const MAX_INTAKE_CONNECTIONS = 64;

/**
 * A stable id per intake connection: after a restart each session (and its unacknowledged
 * messages) resumes. Connection 0 keeps the plain id, so a single-connection deployment's session
 * lives on.
 */
export const intakeClientId = (base: string, i: number): string => (i === 0 ? base : `${base}-${i}`);

/** Every client id an intake with this base id may ever use. */
export const intakeClientIds = (base: string): string[] => Array.from({ length: MAX_INTAKE_CONNECTIONS }, (_, i) => intakeClientId(base, i));

export interface IntakeLogin {
  username: string;
  password: string;
}

/**
 * Each intake connection (a persistent session) has an account of its own, named after its client
 * id and bound to it: whoever holds another account (a device's, a stolen one) cannot connect with
 * the intake's client id and take the alerts queued in its session. The passwords are derived from
 * MQTT_SERVICE_PASSWORD, one per client id, so claims-trigger, the stack and the tests agree on
 * them without storing any.
 */
export function intakeLoginOf(clientId: string, servicePassword: string): IntakeLogin {
  return { username: clientId, password: createHmac('sha256', servicePassword).update(`mqtt-intake:${clientId}`).digest('base64url') };
}

/**
 * Marks an account's password as derived from this secret, without revealing it: an account that
 * carries the current tag, binding and role is left alone, so a restart costs one listing instead
 * of a password write per account (each makes the broker rewrite its dynsec file).
 */
const secretTagOf = (servicePassword: string): string =>
  `kuruma intake account; password from secret ${createHmac('sha256', servicePassword).update('mqtt-intake-secret-tag').digest('base64url').slice(0, 16)}`;

/** Creates or refreshes the accounts of these intake client ids (idempotent; refuses to take over any other account). */
export async function provisionIntakeAccounts(admin: DynamicSecurityClient, clientIds: readonly string[], servicePassword: string): Promise<void> {
  await admin.ensurePlatformRoles();
  const tag = secretTagOf(servicePassword);
  const current = new Set(
    (await admin.listAccounts())
      .filter((a) => a.clientid === a.username && a.textdescription === tag && a.roles.length === 1 && a.roles[0] === MqttRoles.platformService)
      .map((a) => a.username),
  );
  // The broker applies dynsec commands one at a time; sending them together saves the round trips.
  await Promise.all(
    clientIds
      .filter((clientId) => !current.has(clientId))
      .map((clientId) => {
        const login = intakeLoginOf(clientId, servicePassword);
        return admin.ensureBoundClient(login.username, login.password, clientId, MqttRoles.platformService, tag);
      }),
  );
}
