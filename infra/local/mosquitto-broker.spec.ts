import { describe, expect, it } from 'vitest';
import { mosquittoConfig } from './mosquitto-broker';

const lines = mosquittoConfig({ port: 1884, tlsPort: 8884, x509Port: 8885, bind: '127.0.0.1', dataDir: '/d', tlsDir: '/d/tls', dynsecFile: '/d/ds.json', plugin: '/p.so', log: '/l' }).split('\n');

describe(mosquittoConfig.name, () => {
  it('finding 9: refuses retained messages, so no device can leave one for later subscribers', () => {
    expect(lines).toContain('retain_available false');
  });

  it('finding 9: caps every session queue in bytes as well as in messages', () => {
    const bytes = Number(lines.find((l) => l.startsWith('max_queued_bytes '))?.split(' ')[1]);
    expect(bytes).toBeGreaterThan(0);
    // Room for the message cap's worth of ordinary alerts (~300 bytes), far below max_packet_size times it.
    const messages = Number(lines.find((l) => l.startsWith('max_queued_messages '))?.split(' ')[1]);
    expect(bytes).toBeGreaterThanOrEqual(messages * 300);
    expect(bytes).toBeLessThan(messages * 1_048_576);
  });

  it('serves devices with a certificate from the device CA a listener where the certificate is the identity and the client id', () => {
    const x509 = lines.indexOf('listener 8885 127.0.0.1');
    expect(x509).toBeGreaterThan(lines.indexOf('listener 8884 127.0.0.1'));
    expect(lines.slice(x509)).toEqual(expect.arrayContaining(['cafile /d/tls/device-ca.crt', 'require_certificate true', 'use_identity_as_username true', 'use_username_as_clientid true']));
  });

  it('serves devices a TLS listener with the local CA, after the plain one', () => {
    const tls = lines.indexOf('listener 8884 127.0.0.1');
    expect(tls).toBeGreaterThan(lines.indexOf('listener 1884 127.0.0.1'));
    expect(lines.slice(tls)).toEqual(expect.arrayContaining(['cafile /d/tls/ca.crt', 'certfile /d/tls/server.crt', 'keyfile /d/tls/server.key']));
  });
});
