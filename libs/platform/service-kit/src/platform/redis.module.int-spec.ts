import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTransientFailure } from '@kuruma/data-access-messaging';
import { createLogger } from '../logging/logger';
import { createServiceKit } from '../service-kit.module';
import { connectRedis } from './redis.module';

/** The Redis the int tier's global setup uses (tools/harness/test-env.ts). */
const TEST_REDIS_URL = new URL(process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/15');

/**
 * A TCP relay to the real Redis that can stop passing bytes on (and later pass what it held): a
 * Redis that keeps the connection open but does not answer, as a SIGSTOPped or swapping one does.
 */
class FreezingRelay {
  private readonly server: Server;
  private frozen = false;
  private readonly held: (() => void)[] = [];
  private readonly sockets = new Set<Socket>();

  constructor(private readonly target: URL) {
    this.server = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
      }
      const relay = (from: Socket, to: Socket) => from.on('data', (chunk) => (this.frozen ? this.held.push(() => to.write(chunk)) : to.write(chunk)));
      relay(client, upstream);
      relay(upstream, client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as { port: number };
    return `redis://127.0.0.1:${port}${this.target.pathname}`;
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    for (const send of this.held.splice(0)) send();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe(`${connectRedis.name} (real Redis behind a relay that can stop answering)`, () => {
  const relay = new FreezingRelay(TEST_REDIS_URL);
  const kit = createServiceKit('redis-timeout-test', 'silent', createLogger);
  let redis: ReturnType<typeof connectRedis>;

  beforeAll(async () => {
    redis = connectRedis({ REDIS_URL: await relay.listen(), REDIS_COMMAND_TIMEOUT_MS: 300 }, kit, { autoPipelining: true });
    await redis.ping();
  });
  afterAll(async () => {
    await kit.shutdown.runAll(() => undefined);
    await relay.close();
  });

  it('fails a command Redis does not answer as an outage, reports Redis down, and carries on once Redis answers again', async () => {
    const key = `redis-timeout-test:${process.pid}`;
    await redis.set(key, 'before');
    relay.freeze();

    // Without a command timeout each of these would wait for ever, holding whatever its caller holds.
    const single = await redis.set(key, 'during').then(() => 'answered', (e: unknown) => e);
    expect(isTransientFailure(single)).toBe(true);
    const pipelined = await redis.pipeline().set(key, 'during-pipeline').get(key).exec();
    expect(pipelined?.map(([error]) => isTransientFailure(error))).toEqual([true, true]);
    const health = await kit.health.report();
    expect(health.checks.find((c) => c.name === 'redis')?.status).toBe('down');
    expect(health.status).not.toBe('ready');

    relay.thaw();
    // Redis then runs what it held, in order; the connection stays in step and new commands are answered.
    await redis.set(key, 'after');
    expect(await redis.get(key)).toBe('after');
    expect((await kit.health.report()).checks.find((c) => c.name === 'redis')?.status).toBe('up');
    await redis.del(key);
  });
});
