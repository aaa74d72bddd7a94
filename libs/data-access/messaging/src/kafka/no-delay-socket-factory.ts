import net from 'node:net';
import tls from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/** kafkajs's own keep-alive probe delay (src/network/socketFactory.js). */
const KEEP_ALIVE_DELAY_MS = 60_000;

/**
 * kafkajs's socket factory with Nagle's algorithm off. kafkajs 2.2.4 leaves it on, so a request
 * written while an earlier one on the same connection is not yet acknowledged by TCP (an offset
 * commit behind a produce, a produce behind a heartbeat) waits for the broker's ACK, which the
 * broker's kernel delays until it has a response to carry it, or up to 40 ms. The broker itself
 * sets TCP_NODELAY on its side; Postgres's and Redis's clients set it too. Otherwise the same as
 * kafkajs's: TLS with SNI when the host is a name, keep-alive after a minute.
 */
export const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect) : net.connect({ host, port }, onConnect);
  socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
  socket.setNoDelay(true);
  return socket;
};
