import 'reflect-metadata';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

export interface IssuedCertificate {
  pem: string;
  notAfter: Date;
}

/** Why a certificate signing request was refused; the caller answers 400 naming the `csr` field. */
export class CsrRejected extends Error {}

const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384' };

/**
 * Signs device client certificates with the device CA: the subject is fixed by the platform
 * (CN = the device's account, `device:{deviceId}`), whatever the request asked for, because the
 * broker takes the CN as the username and the client id. The device keeps its private key; only
 * its certificate signing request (PKCS#10, RSA 2048+ or EC P-256/P-384) comes in.
 */
export class DeviceCertificateIssuer {
  private readonly caCertificate: x509.X509Certificate;
  private readonly signing: Promise<{ key: webcrypto.CryptoKey; algorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams }>;

  constructor(
    caCertificatePem: string,
    caKeyPem: string,
    private readonly validityDays: number,
  ) {
    this.caCertificate = new x509.X509Certificate(caCertificatePem);
    const key = createPrivateKey(caKeyPem);
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const algorithm =
      key.asymmetricKeyType === 'ec' ? { name: 'ECDSA', namedCurve: CURVES[curve ?? ''] ?? 'P-256', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    this.signing = webcrypto.subtle
      .importKey('pkcs8', key.export({ type: 'pkcs8', format: 'der' }), algorithm, false, ['sign'])
      .then((key) => ({ key, algorithm }));
  }

  async issue(commonName: string, csrPem: string, now = new Date()): Promise<IssuedCertificate> {
    const csr = this.parse(csrPem);
    if (!(await csr.verify())) throw new CsrRejected('the request is not signed by the key it carries');
    this.checkKey(csr.publicKey.algorithm as { name: string; modulusLength?: number; namedCurve?: string });
    const { key, algorithm } = await this.signing;
    const notAfter = new Date(now.getTime() + this.validityDays * 86_400_000);
    const serial = randomBytes(16);
    serial[0] &= 0x7f; // a positive serial number
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: serial.toString('hex'),
      subject: `CN=${commonName}`,
      issuer: this.caCertificate.subject,
      // A little slack for device clocks that run behind.
      notBefore: new Date(now.getTime() - 5 * 60_000),
      notAfter,
      signingAlgorithm: algorithm,
      publicKey: csr.publicKey,
      signingKey: key as never,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      ],
    });
    return { pem: certificate.toString('pem'), notAfter };
  }

  private parse(csrPem: string): x509.Pkcs10CertificateRequest {
    try {
      return new x509.Pkcs10CertificateRequest(csrPem);
    } catch {
      throw new CsrRejected('not a PEM-encoded PKCS#10 certificate signing request');
    }
  }

  private checkKey(algorithm: { name: string; modulusLength?: number; namedCurve?: string }): void {
    if (algorithm.name === 'ECDSA' && ['P-256', 'P-384'].includes(algorithm.namedCurve ?? '')) return;
    if (algorithm.name.startsWith('RSA') && (algorithm.modulusLength ?? 0) >= 2048) return;
    throw new CsrRejected('the key must be EC P-256 or P-384, or RSA of 2048 bits or more');
  }
}
