import 'reflect-metadata';
import { webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { CsrRejected, DeviceCertificateIssuer } from './device-certificate.issuer';

const ec = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const pem = (label: string, der: ArrayBuffer) => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;

async function makeCa() {
  const keys = await webcrypto.subtle.generateKey(ec, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: 'CN=test device CA', keys: keys as never, signingAlgorithm: ec, extensions: [new x509.BasicConstraintsExtension(true, undefined, true)] });
  return { certPem: cert.toString('pem'), keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
}
async function csr(name = 'CN=anything-the-device-likes', algorithm: (webcrypto.EcKeyGenParams & { hash: string }) | webcrypto.RsaHashedKeyGenParams = ec) {
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  return (await x509.Pkcs10CertificateRequestGenerator.create({ name, keys: keys as never, signingAlgorithm: algorithm })).toString('pem');
}

describe(DeviceCertificateIssuer.name, () => {
  let ca: { certPem: string; keyPem: string };
  let sut: DeviceCertificateIssuer;
  beforeAll(async () => {
    ca = await makeCa();
    sut = new DeviceCertificateIssuer(ca.certPem, ca.keyPem, 30);
  });

  it('signs a client certificate whose subject the platform sets (the device account), valid for the configured days', async () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const issued = await sut.issue('device:gw-1', await csr('CN=kuruma-admin'), now);
    const cert = new X509Certificate(issued.pem);
    expect(cert.subject).toBe('CN=device:gw-1');
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
    expect(issued.notAfter.toISOString()).toBe('2026-12-31T00:00:00.000Z');
  });

  it('refuses what is not a certificate signing request', async () => {
    await expect(sut.issue('device:gw-1', 'hello')).rejects.toBeInstanceOf(CsrRejected);
  });

  it('refuses a request whose signature does not match its key', async () => {
    const good = await csr();
    const der = Buffer.from(good.replace(/-----[^-]+-----|\n/g, ''), 'base64');
    der[der.length - 5] ^= 0xff; // corrupt the signature
    await expect(sut.issue('device:gw-1', pem('CERTIFICATE REQUEST', der.buffer.slice(der.byteOffset, der.byteOffset + der.length)))).rejects.toBeInstanceOf(CsrRejected);
  });

  it('refuses weak keys (RSA under 2048 bits)', async () => {
    const weak = await csr('CN=x', { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' });
    await expect(sut.issue('device:gw-1', weak)).rejects.toThrow(/2048/);
  });
});
