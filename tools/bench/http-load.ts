import http from 'node:http';
import { openLoop } from './latency';

/**
 * Open-loop HTTP POSTs at a fixed rate over keep-alive connections with node:http, for the
 * latency figures: undici's fetch costs the load generator several times more CPU per request,
 * and on two shared cores that cost showed up as the server's latency.
 */
export async function postAtRate(
  url: string,
  headers: Record<string, string>,
  body: string,
  ratePerSecond: number,
  seconds: number,
  onTick?: (sent: number) => void,
): Promise<{ latencyMs: number[]; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(url);
  const latencyMs: number[] = [];
  let errors = 0;
  const payload = Buffer.from(body);
  const post = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = http.request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'content-length': payload.length } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if ((res.statusCode ?? 500) >= 400) errors++;
            latencyMs.push(performance.now() - started);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        latencyMs.push(performance.now() - started);
        resolve();
      });
      req.end(payload);
    });
  await openLoop(ratePerSecond, seconds, post, onTick);
  agent.destroy();
  return { latencyMs, errors };
}

