import { isIP } from 'node:net';
import { WEBHOOK_URL_MAX_LENGTH } from '@kuruma/contracts';
import { InvalidRequestError } from '@kuruma/service-kit';
import { isPublicAddress } from './receiver-address';

export interface ReceiverUrlPolicy {
  /** Production: https only and public addresses only. Development and test allow http and loopback. */
  strict: boolean;
}

const refuse = (message: string): never => {
  throw new InvalidRequestError(`url ${message}`, [{ field: 'url', message }]);
};

/**
 * Checks a receiver URL when a partner registers or changes it and returns it normalised (the
 * WHATWG parser turns `http://2130706433/`, `0x7f.1` and `[::ffff:7f00:1]` into their canonical
 * forms, which is why the host is judged after parsing). Names are judged again at each delivery,
 * on the addresses they resolve to then (DNS rebinding); see webhook-sender.ts.
 */
export function checkReceiverUrl(raw: string, policy: ReceiverUrlPolicy): string {
  if (raw.length > WEBHOOK_URL_MAX_LENGTH) refuse(`must be at most ${WEBHOOK_URL_MAX_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex -- control characters and spaces are what this refuses
  if (/[\u0000-\u0020\u007f]/.test(raw)) refuse('must not contain spaces or control characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse('must be https (or http outside production)');
  if (policy.strict && url.protocol !== 'https:') refuse('must be https');
  if (url.username || url.password) refuse('must not carry credentials');
  if (url.hash) refuse('must not have a fragment');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (policy.strict) {
    if (isIP(host) !== 0) {
      if (!isPublicAddress(host)) refuse('must not point at a loopback, private, link-local or reserved address');
    } else if (!host.includes('.') || /(^|\.)(localhost|local|internal|localdomain)\.?$/i.test(host)) {
      refuse('must name a public host');
    }
  }
  return url.toString();
}
