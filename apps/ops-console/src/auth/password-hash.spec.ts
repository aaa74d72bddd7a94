import { describe, expect, it } from 'vitest';
import { hashPassword, PasswordVerifier } from './password-hash';

describe('finding 7: password checks off the event loop', () => {
  const stored = hashPassword('correct horse');

  it('verifies the right password and refuses a wrong one', async () => {
    const sut = new PasswordVerifier();
    await expect(sut.verify('correct horse', stored)).resolves.toBe(true);
    await expect(sut.verify('wrong horse', stored)).resolves.toBe(false);
    await expect(sut.verify('anything', 'not-a-hash')).resolves.toBe(false);
  });

  it('keeps the event loop turning while hashes run', async () => {
    const sut = new PasswordVerifier(2, 64);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    await Promise.all(Array.from({ length: 8 }, () => sut.verify('correct horse', stored)));
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(8);
  });

  it('runs at most `concurrency` at once, queues a bounded number and refuses the rest with 503', async () => {
    const sut = new PasswordVerifier(1, 2);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => sut.verify('correct horse', stored)));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(3);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason.problem.status).toBe(503);
    await expect(sut.verify('correct horse', stored)).resolves.toBe(true);
  });
});
