import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPublicAddress } from '../endpoints/receiver-address';

/** What one attempt came to: the receiver's status, or why there was none. */
export interface SendResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface WebhookSenderOptions {
  timeoutMs: number;
  /** Production: connect only to public addresses, judged on what the name resolves to now. */
  publicAddressesOnly: boolean;
}

/** Longest part of a receiver's answer read (and then dropped): its status is all that counts. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Resolves like the default lookup, then refuses the connection when any address is not public.
 * The check runs on the very addresses the socket connects to, so a name that resolved to a public
 * address when it was registered and to 127.0.0.1 now (DNS rebinding) is refused at this attempt.
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const forbidden = addresses.find((a) => !isPublicAddress(a.address));
    if (forbidden || addresses.length === 0) return callback(Object.assign(new Error(`address not allowed: ${hostname} resolves to ${forbidden?.address ?? 'nothing'}`), { code: 'EADDRNOTALLOWED' }), '', 0);
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
};

/**
 * POSTs one delivery with node's own HTTP client: no redirects followed (a 3xx is a failure, so a
 * receiver cannot bounce the platform to an internal address), one timeout over the whole attempt,
 * a fresh connection per attempt (no keep-alive pool to hold a socket to an address judged earlier).
 */
export class WebhookSender {
  constructor(private readonly options: WebhookSenderOptions) {}

  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      // Armed first so every way out clears it; it fires only after `req` below exists.
      const timer = setTimeout(() => {
        done({ statusCode: null, error: `timed out after ${this.options.timeoutMs} ms` });
        req.destroy();
      }, this.options.timeoutMs);
      const done = (result: Omit<SendResult, 'latencyMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...result, latencyMs: elapsed() });
      };
      const target = new URL(url);
      if (this.options.publicAddressesOnly && target.protocol !== 'https:') return done({ statusCode: null, error: 'https required' });
      const client = target.protocol === 'https:' ? https : http;
      const req = client.request(target, {
        method: 'POST',
        agent: false,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'KurumaCover-Webhooks/1' },
        ...(this.options.publicAddressesOnly ? { lookup: publicOnlyLookup } : {}),
      });
      req.on('response', (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        const finish = () => done({ statusCode: res.statusCode ?? null, error: null });
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      });
      req.on('error', (error: NodeJS.ErrnoException) => done({ statusCode: null, error: error.code ? `${error.code}: ${error.message}` : error.message }));
      req.end(body);
    });
  }
}
