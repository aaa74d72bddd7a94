import net from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { noDelaySocketFactory } from './no-delay-socket-factory';

describe('noDelaySocketFactory', () => {
  afterEach(() => vi.restoreAllMocks());

  it('connects in plain TCP with Nagle off and keep-alive on, and calls back once connected', async () => {
    const received: Buffer[] = [];
    const server = net.createServer((s) => s.on('data', (d) => received.push(d)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const noDelay = vi.spyOn(net.Socket.prototype, 'setNoDelay');
    const keepAlive = vi.spyOn(net.Socket.prototype, 'setKeepAlive');
    const { port } = server.address() as net.AddressInfo;

    let socket: net.Socket | undefined;
    await new Promise<void>((onConnect) => {
      socket = noDelaySocketFactory({ host: '127.0.0.1', port, ssl: undefined as unknown as tls.ConnectionOptions, onConnect });
    });
    socket?.write('ping');
    await vi.waitFor(() => expect(Buffer.concat(received).toString()).toBe('ping'));

    expect(noDelay).toHaveBeenCalledWith(true);
    expect(keepAlive).toHaveBeenCalledWith(true, 60_000);
    socket?.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it("opens TLS with the client's options, naming the broker for SNI only when it is a host name, with Nagle off", () => {
    const opened: tls.ConnectionOptions[] = [];
    vi.spyOn(tls, 'connect').mockImplementation(((options: tls.ConnectionOptions) => (opened.push(options), new tls.TLSSocket(new net.Socket()))) as typeof tls.connect);
    const noDelay = vi.spyOn(net.Socket.prototype, 'setNoDelay');
    const ssl = { ca: ['a CA'], rejectUnauthorized: true };

    noDelaySocketFactory({ host: 'kafka-0.kafka.internal', port: 9093, ssl, onConnect: () => undefined }).destroy();
    noDelaySocketFactory({ host: '10.0.0.7', port: 9093, ssl, onConnect: () => undefined }).destroy();

    expect(opened).toEqual([
      { host: 'kafka-0.kafka.internal', port: 9093, servername: 'kafka-0.kafka.internal', ...ssl },
      { host: '10.0.0.7', port: 9093, ...ssl },
    ]);
    expect(noDelay.mock.calls).toEqual([[true], [true]]);
  });
});
