import { describe, expect, it } from 'vitest';
import { ShutdownRegistry } from './shutdown-registry';

describe(ShutdownRegistry.name, () => {
  it('drains consumers, then jobs, relay, producer, clients and pools, whatever the order they started in', async () => {
    const sut = new ShutdownRegistry();
    const stopped: string[] = [];
    const step = (name: string) => async () => void stopped.push(name);
    sut.register('postgres', step('postgres'), 'pools');
    sut.register('kafka-producer', step('kafka-producer'), 'producer');
    sut.register('redis', step('redis'), 'clients');
    sut.register('outbox-relay', step('outbox-relay'), 'relay');
    sut.register('late-return-job', step('late-return-job'), 'jobs');
    sut.register('consumer:a', step('consumer:a'), 'consumers');
    sut.register('postgres-writer', step('postgres-writer'), 'pools');
    sut.register('mqtt-intake', step('mqtt-intake'), 'consumers');
    await sut.runAll(() => undefined);
    // Within a phase, the last started stops first.
    expect(stopped).toEqual(['mqtt-intake', 'consumer:a', 'late-return-job', 'outbox-relay', 'kafka-producer', 'redis', 'postgres-writer', 'postgres']);
  });

  it('runs each step once when SIGTERM and SIGINT both arrive, and carries on past a step that fails or hangs', async () => {
    const sut = new ShutdownRegistry();
    const stopped: string[] = [];
    sut.register('hangs', () => new Promise<void>(() => undefined), 'consumers');
    sut.register('fails', async () => {
      throw new Error('boom');
    }, 'jobs');
    sut.register('pool', async () => void stopped.push('pool'), 'pools');
    const logged: string[] = [];
    await Promise.all([sut.runAll((m) => logged.push(m), 50), sut.runAll((m) => logged.push(m), 50)]);
    expect(stopped).toEqual(['pool']);
    expect(logged).toEqual(['stopping hangs failed', 'stopping fails failed', expect.stringMatching(/^stopped pool in \d+ ms$/)]);
  });
});
