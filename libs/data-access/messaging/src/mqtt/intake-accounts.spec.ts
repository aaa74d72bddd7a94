import { describe, expect, it } from 'vitest';
import { intakeClientIds, intakeLoginOf, MAX_INTAKE_CONNECTIONS } from './intake-accounts';

describe('intake accounts', () => {
  it('covers every client id an intake may use: the plain id, then -1 ... -63', () => {
    const ids = intakeClientIds('kuruma-claims-trigger-1');
    expect(ids).toHaveLength(MAX_INTAKE_CONNECTIONS);
    expect(ids.slice(0, 3)).toEqual(['kuruma-claims-trigger-1', 'kuruma-claims-trigger-1-1', 'kuruma-claims-trigger-1-2']);
  });

  it('finding 2: gives each connection its own account and password, none of them the shared secret itself', () => {
    const logins = intakeClientIds('ct').map((id) => intakeLoginOf(id, 'service-secret'));
    expect(logins.map((l) => l.username)).toEqual(intakeClientIds('ct'));
    expect(new Set(logins.map((l) => l.password)).size).toBe(MAX_INTAKE_CONNECTIONS);
    expect(logins.map((l) => l.password)).not.toContain('service-secret');
    // Stable, so claims-trigger, the stack and the tests agree without storing passwords.
    expect(intakeLoginOf('ct', 'service-secret')).toEqual(intakeLoginOf('ct', 'service-secret'));
    expect(intakeLoginOf('ct', 'other-secret').password).not.toBe(intakeLoginOf('ct', 'service-secret').password);
  });
});
