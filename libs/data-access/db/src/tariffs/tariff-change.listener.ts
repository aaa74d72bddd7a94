import pg from 'pg';

export interface TariffChangeListenerOptions {
  url: string;
  applicationName?: string;
  /** Called on every notification and after every (re)connection, when changes may have been missed. */
  onChange: (version: string | undefined) => void;
  onError?: (error: Error) => void;
  /** Wait before reconnecting after the connection is lost. */
  reconnectMs?: number;
}

/**
 * LISTEN on `tariff_versions` (notified by a trigger on every insert or update of a version) over
 * one dedicated connection. When the connection is lost it reconnects and reports a change, since
 * notifications sent meanwhile are gone: the caller reloads, which is idempotent.
 */
export class TariffChangeListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly options: TariffChangeListenerOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.options.url, application_name: this.options.applicationName, connectionTimeoutMillis: 5_000 });
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      if (error) this.options.onError?.(error);
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => this.options.onChange(message.payload || undefined));
    try {
      await client.connect();
      await client.query('LISTEN tariff_versions');
      this.client = client;
      this.options.onChange(undefined);
    } catch (error) {
      this.options.onError?.(error as Error);
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, this.options.reconnectMs ?? 2_000);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
