import { describe, expect, it } from 'vitest';
import { createLogger } from '../../logging/logger';
import { createServiceKit } from '../../service-kit.module';
import { MqttIntakeServer } from './mqtt-intake.server';
import type { MqttMessage, MqttMessageContext } from './mqtt-message';

const MAX_ATTEMPTS = 3;
const outage = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** The server with one handler for `devices/+/crash`; nothing connects (receive is what a connection calls). */
function setup(handle: (message: MqttMessage, context: MqttMessageContext) => Promise<void>, options: { healthy?: () => boolean; deadLetterFails?: () => boolean; stuckAfterMs?: number } = {}) {
  const kit = createServiceKit('mqtt-test', 'silent', createLogger);
  kit.health.register({ name: 'postgres', dependency: true, check: async () => { if (options.healthy && !options.healthy()) throw new Error('postgres is away'); } });
  const deadLetters: { message: MqttMessage; reason: string; attempts: number }[] = [];
  const sut = new MqttIntakeServer({
    kit,
    url: 'mqtt://127.0.0.1:1',
    servicePassword: 'not-used-here',
    clientId: 'intake',
    shareGroup: 'group',
    connections: 0,
    stuckAfterMs: options.stuckAfterMs ?? 60_000,
    maxAttempts: MAX_ATTEMPTS,
    retryDelay: { baseMs: 1, maxMs: 2 },
    deadLetter: async (message, reason, attempts) => {
      if (options.deadLetterFails?.()) throw outage();
      deadLetters.push({ message, reason, attempts });
    },
  });
  sut.addHandler('devices/+/crash', (message: MqttMessage, context: MqttMessageContext) => handle(message, context), true);
  const acks: (Error | number)[] = [];
  const receive = (topic: string, payload = Buffer.from('{}')) => sut.receive(topic, payload, (code) => void acks.push(code), { clientId: 'intake-1', messageId: 7 });
  return { sut, acks, deadLetters, receive };
}

describe(MqttIntakeServer.name, () => {
  it('hands the handler the device id, payload bytes and receipt time, and acknowledges only after it resolved', async () => {
    let seen: { message: MqttMessage; context: MqttMessageContext } | undefined;
    let ackedBeforeResolve = true;
    const { acks, receive } = setup(async (message, context) => {
      await new Promise((r) => setTimeout(r, 20));
      ackedBeforeResolve = acks.length > 0;
      seen = { message, context };
    });
    const payload = Buffer.from([0x7b, 0x00, 0xff, 0x7d]);
    await receive('devices/gw-1/crash', payload);
    expect(ackedBeforeResolve).toBe(false);
    expect(acks).toEqual([0]);
    expect(seen?.message).toMatchObject({ topic: 'devices/gw-1/crash', params: ['gw-1'] });
    expect(seen?.message.payload.equals(payload)).toBe(true);
    expect(seen?.message.receivedAt).toBeInstanceOf(Date);
    expect([seen?.context.getClientId(), seen?.context.getMessageId(), seen?.context.getAttempt()]).toEqual(['intake-1', 7, 1]);
  });

  it('dead-letters a message whose handler keeps failing after the attempt limit, with the reason and attempts, then acknowledges it', async () => {
    let calls = 0;
    const { acks, deadLetters, receive } = setup(async () => {
      calls += 1;
      throw new TypeError('cannot read properties of undefined');
    });
    await receive('devices/gw-2/crash');
    expect(calls).toBe(MAX_ATTEMPTS);
    expect(deadLetters).toEqual([{ message: expect.objectContaining({ topic: 'devices/gw-2/crash', params: ['gw-2'] }), reason: 'handler-failed: TypeError: cannot read properties of undefined', attempts: MAX_ATTEMPTS }]);
    expect(acks).toEqual([0]);
  });

  it('applies a message that fails fewer times than the limit, without a dead letter', async () => {
    let calls = 0;
    const { acks, deadLetters, receive } = setup(async () => {
      calls += 1;
      if (calls < MAX_ATTEMPTS) throw new Error('not yet');
    });
    await receive('devices/gw-3/crash');
    expect(calls).toBe(MAX_ATTEMPTS);
    expect(deadLetters).toEqual([]);
    expect(acks).toEqual([0]);
  });

  it('keeps retrying an outage past the limit, unacknowledged, and applies the message when it is over', async () => {
    let calls = 0;
    const { acks, deadLetters, receive } = setup(async (_message, context) => {
      calls += 1;
      expect(context.getAttempt()).toBe(calls);
      if (calls <= 3 * MAX_ATTEMPTS) throw outage();
    });
    await receive('devices/gw-4/crash');
    expect(calls).toBe(3 * MAX_ATTEMPTS + 1);
    expect(deadLetters).toEqual([]);
    expect(acks).toEqual([0]);
  });

  it('does not blame the message while a dependency is down, and dead-letters it once the dependencies answer', async () => {
    let calls = 0;
    let healthy = false;
    const { acks, deadLetters, receive } = setup(
      async () => {
        calls += 1;
        // An outage the transient list does not recognise: only the health check tells.
        if (calls === MAX_ATTEMPTS + 2) healthy = true;
        throw new Error('something odd');
      },
      { healthy: () => healthy },
    );
    await receive('devices/gw-5/crash');
    expect(calls).toBe(MAX_ATTEMPTS + 2);
    expect(deadLetters.map((d) => d.attempts)).toEqual([MAX_ATTEMPTS + 2]);
    expect(acks).toEqual([0]);
  });

  it('keeps the message unacknowledged while its dead letter cannot be written', async () => {
    let writes = 0;
    const { acks, deadLetters, receive } = setup(
      async () => {
        throw new RangeError('bad');
      },
      { deadLetterFails: () => ++writes < 3 },
    );
    await receive('devices/gw-6/crash');
    expect(writes).toBe(3);
    expect(deadLetters).toHaveLength(1);
    expect(acks).toEqual([0]);
  });

  it('leaves a failing message unacknowledged for the broker when it closes', async () => {
    const { sut, acks, deadLetters, receive } = setup(async () => {
      await sut.close();
      throw outage();
    });
    await receive('devices/gw-7/crash');
    expect(acks).toEqual([]);
    expect(deadLetters).toEqual([]);
  });

  it('acknowledges and drops a message on a topic no handler consumes', async () => {
    let calls = 0;
    const { acks, receive } = setup(async () => void (calls += 1));
    await receive('devices/gw-8/lock');
    expect(calls).toBe(0);
    expect(acks).toEqual([0]);
  });

  it('reports not ready naming the topic while a message is stuck, and ready once it moved on', async () => {
    let release: () => void = () => undefined;
    const { sut, receive } = setup(() => new Promise<void>((resolve) => (release = resolve)), { stuckAfterMs: 0 });
    const applying = receive('devices/gw-9/crash');
    await new Promise((r) => setTimeout(r, 5));
    await expect(sut.check()).rejects.toThrow(/stuck on mqtt devices\/gw-9\/crash .* at message id 7/);
    release();
    await applying;
    await expect(sut.check()).resolves.toBeUndefined();
  });
});
