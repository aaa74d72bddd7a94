// A lean load generator in its own process (plain Node, no TypeScript loader, nothing else on its
// heap): open-loop POSTs at a fixed rate over keep-alive connections. Its own pauses would
// otherwise show up as the server's latency. The warm-up runs in this same process on the same
// connections, straight into the measured part, so cold JIT and new connections stay out of it.
// Input: one JSON argument; output: one JSON line (measured requests only).
import http from 'node:http';

const { url, headers, body, ratePerSecond, seconds, warmupSeconds = 0 } = JSON.parse(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL(url);
const payload = Buffer.from(body);
const latencyMs = [];
let errors = 0;

function post(measured) {
  return new Promise((resolve) => {
    const started = performance.now();
    const done = (failed) => {
      if (measured) {
        if (failed) errors++;
        latencyMs.push(performance.now() - started);
      }
      resolve();
    };
    const req = http.request(
      { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'content-length': payload.length } },
      (res) => {
        res.resume();
        res.on('end', () => done((res.statusCode ?? 500) >= 400));
      },
    );
    req.on('error', () => done(true));
    req.end(payload);
  });
}

const warmup = Math.round(ratePerSecond * warmupSeconds);
const total = warmup + Math.round(ratePerSecond * seconds);
const inflight = [];
const started = performance.now();
let measuredFrom = started;
for (let i = 0; i < total; i++) {
  const wait = started + (i * 1000) / ratePerSecond - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  if (i === warmup) measuredFrom = performance.now();
  inflight.push(post(i >= warmup));
}
// The rate this generator actually held over the measured part (the last request is due one interval before its end).
const sentPerSec = Math.round((total - warmup) / ((performance.now() - measuredFrom) / 1000 + 1 / ratePerSecond));
await Promise.all(inflight);
agent.destroy();
process.stdout.write(`${JSON.stringify({ latencyMs, errors, sentPerSec })}\n`);
