import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** How the receiver answers for a while: as it should, not at all, too late, 500, or 410 Gone. */
export type ReceiverMode = 'ok' | 'down' | 'slow' | 'error-500' | 'gone-410';

/** One request the receiver got. `accepted`: it answered 2xx on a connection still open. */
export interface WebhookReceipt {
  webhookId: string;
  eventId: string;
  type: string;
  /** What the deliverer orders by: the booking, or the vehicle of a claim event without one. */
  orderingKey: string;
  partnerId: string | null;
  mode: ReceiverMode;
  accepted: boolean;
  signatureValid: boolean;
}

/**
 * A partner's webhook receiver (a local HTTP server) that misbehaves on command: `down` closes its
 * port (connections refused), `slow` answers 200 only after the sender's timeout has passed (the
 * answer then finds the connection closed and does not count), `error-500` and `gone-410` answer
 * those statuses. It verifies every request's Standard Webhooks signature with the endpoint's
 * secret, and records each request with whether it was accepted.
 */
export class MisbehavingReceiver {
  readonly receipts: WebhookReceipt[] = [];
  private server?: Server;
  private mode: ReceiverMode = 'ok';
  private verifier?: Webhook;
  port = 0;

  /** `slowAnswerMs`: how long a `slow` answer takes (longer than the sender's attempt timeout). */
  constructor(private readonly slowAnswerMs: number) {}

  /** The endpoint's signing secret (`whsec_...`), once it is registered. */
  useSecret(secret: string): void {
    this.verifier = new Webhook(secret);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/kuruma`;
  }

  async setMode(mode: ReceiverMode): Promise<void> {
    this.mode = mode;
    if (mode === 'down') await this.close();
    else if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      let closed = false;
      res.on('close', () => (closed = true));
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const mode = this.mode;
        const receipt = this.receipt(body, req.headers as Record<string, string>, mode);
        const answer = (status: number) => {
          receipt.accepted = status < 300 && !closed;
          this.receipts.push(receipt);
          res.statusCode = status;
          res.end();
        };
        if (mode === 'slow') setTimeout(() => answer(200), this.slowAnswerMs);
        else answer(mode === 'error-500' ? 500 : mode === 'gone-410' ? 410 : 200);
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  private receipt(body: string, headers: Record<string, string>, mode: ReceiverMode): WebhookReceipt {
    let signatureValid = false;
    try {
      this.verifier?.verify(body, headers);
      signatureValid = this.verifier !== undefined;
    } catch {
      signatureValid = false;
    }
    let event: { id?: string; type?: string; data?: { bookingId?: string | null; vehicleId?: string; partnerId?: string | null } } = {};
    try {
      event = JSON.parse(body) as typeof event;
    } catch {
      // Recorded with empty fields: the ledger reports it as unexpected.
    }
    const orderingKey = event.data?.bookingId ? `booking:${event.data.bookingId}` : `vehicle:${event.data?.vehicleId ?? ''}`;
    return { webhookId: headers['webhook-id'] ?? '', eventId: event.id ?? '', type: event.type ?? '', orderingKey, partnerId: event.data?.partnerId ?? null, mode, accepted: false, signatureValid };
  }
}

/**
 * The misbehaviour schedule: a window of each fault, each followed by a window of normal service,
 * round after round until `running()` says stop; the receiver answers normally afterwards.
 */
export async function misbehaveOnSchedule(receiver: MisbehavingReceiver, windowMs: number, running: () => boolean, log: (msg: string) => void): Promise<Record<ReceiverMode, number>> {
  const faults: ReceiverMode[] = ['down', 'slow', 'error-500', 'gone-410'];
  const windows: Record<ReceiverMode, number> = { ok: 0, down: 0, slow: 0, 'error-500': 0, 'gone-410': 0 };
  const sleep = async (ms: number) => {
    const until = Date.now() + ms;
    while (running() && Date.now() < until) await new Promise((r) => setTimeout(r, Math.min(250, until - Date.now())));
  };
  for (let n = 0; running(); n++) {
    await sleep(windowMs);
    if (!running()) break;
    const mode = faults[n % faults.length] as ReceiverMode;
    await receiver.setMode(mode);
    windows[mode]++;
    log(`webhook receiver: ${mode}`);
    await sleep(windowMs);
    await receiver.setMode('ok');
    windows.ok++;
  }
  await receiver.setMode('ok');
  return windows;
}
