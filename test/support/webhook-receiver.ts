import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  /** The path it was POSTed to (one receiver can stand for several endpoints). */
  path: string;
  id: string;
  type: string;
  subject: string;
  body: string;
  headers: IncomingHttpHeaders;
  answered: number;
}

/**
 * A partner's receiver as a plain local HTTP server that can answer 200, answer 500, or be down
 * (its port closed), recording every request it got and what it answered.
 */
export class LocalReceiver {
  readonly requests: Received[] = [];
  mode: 'ok' | 'error' | 'slow' = 'ok';
  private server?: Server;
  port = 0;

  async up(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const event = JSON.parse(body) as { id: string; type: string; data: { bookingId?: string | null; vehicleId?: string } };
        const answered = this.mode === 'error' ? 500 : 200;
        this.requests.push({ path: req.url ?? '', id: event.id, type: event.type, subject: event.data.bookingId ?? event.data.vehicleId ?? '', body, headers: req.headers, answered });
        res.statusCode = answered;
        // slow: the answer takes a second, long enough to kill the deliverer while it waits.
        if (this.mode === 'slow') setTimeout(() => res.end(), 1_000);
        else res.end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
    this.server?.closeAllConnections();
  }

  /** Requests about one booking (or vehicle), in arrival order. */
  about(subject: string): Received[] {
    return this.requests.filter((r) => r.subject === subject);
  }

  /** Event ids in the order they were first accepted (2xx). */
  acceptedOrder(subject: string): string[] {
    return [...new Set(this.about(subject).filter((r) => r.answered === 200).map((r) => r.id))];
  }
}
