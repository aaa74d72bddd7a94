import { describe, expect, it } from 'vitest';
import { checkReceiverUrl } from './receiver-url';
import { isPublicAddress } from './receiver-address';

const production = { strict: true };
const development = { strict: false };

describe(checkReceiverUrl.name, () => {
  it('accepts a public https URL in production, normalised', () => {
    expect(checkReceiverUrl('https://hooks.example.com/kuruma?x=1', production)).toBe('https://hooks.example.com/kuruma?x=1');
  });

  it.each([
    ['http://hooks.example.com/', 'must be https'],
    ['https://127.0.0.1/', 'loopback'],
    ['https://localhost/', 'public host'],
    ['https://api.localhost/', 'public host'],
    ['https://intranet/', 'public host'],
    ['https://2130706433/', 'loopback'], // decimal 127.0.0.1
    ['https://0x7f.0.0.1/', 'loopback'],
    ['https://017700000001/', 'loopback'], // octal
    ['https://10.1.2.3/', 'private'],
    ['https://172.20.0.1/', 'private'],
    ['https://192.168.1.1/', 'private'],
    ['https://169.254.169.254/latest/meta-data', 'link-local'],
    ['https://[::1]/', 'loopback'],
    ['https://[::ffff:127.0.0.1]/', 'loopback'],
    ['https://[::ffff:a00:1]/', 'loopback'],
    ['https://[fe80::1]/', 'loopback'],
    ['https://[fd00::1]/', 'loopback'],
    ['https://0.0.0.0/', 'loopback'],
  ])('refuses %s in production', (url, message) => {
    expect(() => checkReceiverUrl(url, production)).toThrow(message);
  });

  it.each([
    ['ftp://example.com/', 'must be https'],
    ['https://user:pw@example.com/', 'credentials'],
    ['not a url', 'spaces'],
    ['https://example.com/\u0000', 'control characters'],
    ['/relative', 'absolute URL'],
    [`https://example.com/${'a'.repeat(3000)}`, 'at most 2048'],
  ])('refuses %s everywhere, naming the field', (url, message) => {
    try {
      checkReceiverUrl(url, development);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain(message);
      expect((error as { errors: { field: string }[] }).errors[0]?.field).toBe('url');
    }
  });

  it('allows http and loopback receivers outside production, so a test can run a local one', () => {
    expect(checkReceiverUrl('http://127.0.0.1:17299/hooks', development)).toBe('http://127.0.0.1:17299/hooks');
  });
});

describe(isPublicAddress.name, () => {
  it.each(['93.184.216.34', '2606:4700::1111', '::ffff:93.184.216.34'])('%s is public', (a) => expect(isPublicAddress(a)).toBe(true));
  it.each(['127.0.0.1', '10.0.0.1', '100.64.0.1', '::1', '::ffff:7f00:1', '::ffff:10.0.0.1', '0:0:0:0:0:ffff:7f00:1', '::ffff:0:7f00:1', '64:ff9b::a00:1', '2002:a00:1::', 'fe80::1', 'not-an-ip'])('%s is not', (a) =>
    expect(isPublicAddress(a)).toBe(false),
  );
});
