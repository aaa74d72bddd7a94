import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Topics } from '../../libs/contracts/src/topics';
import { DEPLOYED_SERVICES } from './services';

const appSources = (app: string): string => {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
    });
  return walk(resolve(__dirname, '../../apps', app, 'src'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
};
const topicOf = (key: string): string => (Topics as Record<string, string>)[key];

/** What KEDA scales on and the NetworkPolicies allow must be what the apps really do. */
describe('DEPLOYED_SERVICES', () => {
  it.each(DEPLOYED_SERVICES.map((s) => [s.name, s] as const))('%s: its consumer group and topics are those the app declares', (name, service) => {
    const source = appSources(name);
    const groups = [...source.matchAll(/KafkaTransportModule\.forGroup\('([^']+)'\)/g)].map((m) => m[1]);
    const topics = [...source.matchAll(/@ConsumeTopic\(Topics\.(\w+)/g)].map((m) => topicOf(m[1]));
    expect(groups).toEqual(service.consumer ? [service.consumer.group] : []);
    expect(new Set(topics)).toEqual(new Set(service.consumer?.topics ?? []));
  });

  it.each(DEPLOYED_SERVICES.map((s) => [s.name, s] as const))('%s: talks to Redis and MQTT exactly when the app wires them', (name, service) => {
    const module = readFileSync(resolve(__dirname, '../../apps', name, 'src/app.module.ts'), 'utf8');
    expect(service.uses.includes('redis')).toBe(/RedisModule\.forRoot/.test(module));
    expect(service.uses.includes('mqtt')).toBe(/MqttIntake|mqttVars|MQTT/.test(appSources(name)) && name === 'claims-trigger');
  });
});
