import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { ProblemException, Turns } from '@kuruma/service-kit';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

/** scrypt$N$r$p$salt$hash (Node's built-in scrypt: memory-hard, no native add-on to install). */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 });
  return `scrypt$16384$8$1$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/**
 * Checks passwords in libuv's thread pool, a few at a time, so a burst of sign-ins cannot stall
 * the event loop every page, stream and health check shares (docs/benchmarks.md, design notes).
 * Each scrypt holds 16 MiB and a pool thread, so at most `concurrency` run at once (the pool has
 * 4 threads, shared with DNS and file I/O) and at most `queue` wait; beyond that the sign-in is
 * refused with 503 rather than queued without bound.
 */
export class PasswordVerifier {
  private readonly turns: Turns;

  constructor(concurrency = 2, queue = 64) {
    this.turns = new Turns(
      concurrency,
      queue,
      () => new ProblemException({ type: 'https://kurumacover.dev/problems/busy', title: 'Busy', status: 503, detail: 'too many sign-ins at once; try again in a moment' }, { 'Retry-After': '1' }),
    );
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64');
    return this.turns.take(async () => {
      const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 });
      return timingSafeEqual(actual, expected);
    });
  }
}
