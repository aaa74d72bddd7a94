import { createHash, randomUUID } from 'node:crypto';
import type Redis from 'ioredis';

/** The first answer to a key, replayed to every retry with the same request. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

export type Claim =
  | { kind: 'acquired'; lease: string }
  | { kind: 'in-flight' }
  | { kind: 'reused' }
  | { kind: 'replay'; answer: StoredAnswer };

interface Entry {
  fingerprint: string;
  /** Set while the first request runs; identifies that request's lease. */
  lease?: string;
  answer?: StoredAnswer;
}

/** Replaces the entry only while it still holds this lease (a lease that ran out may belong to a retry now). */
const REPLACE_IF_LEASED = `local v = redis.call('GET', KEYS[1])
if not v then return 0 end
if cjson.decode(v).lease ~= ARGV[1] then return 0 end
if ARGV[2] == '' then return redis.call('DEL', KEYS[1]) end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

export interface IdempotencyTimes {
  /** How long a stored answer is replayed (after that the key is free again). */
  ttlMs: number;
  /** How long a request may hold its key before a retry may run it again (a crashed instance's key frees then). */
  leaseMs: number;
}

/**
 * Idempotency keys in Redis, one entry per caller and key: `SET NX` claims a key for the first
 * request (a lease, so a process killed mid-request frees it after `leaseMs`), its 2xx answer then
 * replaces the lease for `ttlMs`. A request that fails (4xx, 5xx) gives the key back, so a
 * corrected retry under the same key runs; only answers that took effect are replayed.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly times: IdempotencyTimes,
  ) {}

  /** The key is hashed: whatever characters a caller's key or scope has, names cannot collide. */
  static redisKey(scope: string, key: string): string {
    return `idempotency:${scope}:${createHash('sha256').update(key).digest('base64url')}`;
  }

  async claim(scope: string, key: string, fingerprint: string): Promise<Claim> {
    const name = IdempotencyStore.redisKey(scope, key);
    // Two rounds: an entry that expires between SET NX and GET is simply claimed on the second.
    for (let round = 0; round < 2; round++) {
      const lease = randomUUID();
      const entry: Entry = { fingerprint, lease };
      if ((await this.redis.set(name, JSON.stringify(entry), 'PX', this.times.leaseMs, 'NX')) === 'OK') return { kind: 'acquired', lease };
      const raw = await this.redis.get(name);
      if (raw === null) continue;
      const held = JSON.parse(raw) as Entry;
      if (held.fingerprint !== fingerprint) return { kind: 'reused' };
      return held.answer ? { kind: 'replay', answer: held.answer } : { kind: 'in-flight' };
    }
    return { kind: 'in-flight' };
  }

  /** Stores the answer of the request holding `lease`; replayed from now on for `ttlMs`. */
  async complete(scope: string, key: string, fingerprint: string, lease: string, answer: StoredAnswer): Promise<void> {
    const entry: Entry = { fingerprint, answer };
    await this.redis.eval(REPLACE_IF_LEASED, 1, IdempotencyStore.redisKey(scope, key), lease, JSON.stringify(entry), String(this.times.ttlMs));
  }

  /** Gives the key back after a refused or failed request. */
  async release(scope: string, key: string, lease: string): Promise<void> {
    await this.redis.eval(REPLACE_IF_LEASED, 1, IdempotencyStore.redisKey(scope, key), lease, '', '0');
  }
}
