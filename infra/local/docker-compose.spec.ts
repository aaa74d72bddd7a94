import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { mosquittoConfig } from './mosquitto-broker';

const root = resolve(__dirname, '../..');
const PATH_SPECIFIC = /^(listener|persistence_location|plugin|plugin_opt_config_file|log_dest|pid_file|user|cafile|certfile|keyfile) /;
const settings = (conf: string) =>
  conf
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !PATH_SPECIFIC.test(l))
    .sort();

/** docker-compose.yml must describe the same stack as `npm run stack:up`, or the two paths drift. */
describe('docker-compose.yml', () => {
  const sut = YAML.parse(readFileSync(resolve(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { ports?: string[]; environment?: Record<string, unknown> }> };

  it('publishes the ports the local stack and the services use', () => {
    expect(sut.services['kafka']?.ports).toContain('127.0.0.1:9092:9092');
    expect(sut.services['postgres']?.ports).toContain('127.0.0.1:5432:5432');
    expect(sut.services['redis']?.ports).toContain('127.0.0.1:6379:6379');
    expect(sut.services['mosquitto']?.ports).toContain('127.0.0.1:1884:1884');
    expect(sut.services['mosquitto']?.ports).toContain('127.0.0.1:8884:8884');
    expect(sut.services['mosquitto']?.ports).toContain('127.0.0.1:8885:8885');
  });

  it('keeps broker-side topic auto-creation off, as the local broker does', () => {
    expect(sut.services['kafka']?.environment?.['KAFKA_AUTO_CREATE_TOPICS_ENABLE']).toBe('false');
  });

  it("mounts a Mosquitto configuration with the local stack's settings", () => {
    const docker = readFileSync(resolve(root, 'infra/mosquitto/mosquitto.conf'), 'utf8');
    const local = mosquittoConfig({ port: 1884, tlsPort: 8884, x509Port: 8885, bind: '127.0.0.1', dataDir: '/d', tlsDir: '/d/tls', dynsecFile: '/d/ds.json', plugin: '/p.so', log: '/l' });
    expect(settings(docker)).toEqual(settings(local));
    const listeners = (conf: string) => conf.split('\n').filter((l) => l.startsWith('listener ')).map((l) => l.split(' ')[1]);
    expect(listeners(docker)).toEqual(listeners(local));
  });

});
