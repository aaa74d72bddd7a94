import { describe, expect, it } from 'vitest';
import type { QuoteRequestV1 } from '@kuruma/contracts';
import type { DriverRecordRepository } from '@kuruma/data-access-db';
import { driverPseudonym, sharedDriverPseudonym } from '@kuruma/domain-rating';
import { DriverRecords } from './driver-records';

const KEY = 'unit-test-pseudonym-key-0123456789abcdef';
const requestOf = (driverId: string) => ({ driver: { driverId } }) as QuoteRequestV1;
// pseudonymsOf never reads the repository.
const records = (remembered?: number) => new DriverRecords({} as DriverRecordRepository, KEY, remembered);

describe('DriverRecords.pseudonymsOf', () => {
  it('gives each partner and reference its keyed pseudonyms, the same when asked again and after the remembered ones are emptied', () => {
    const sut = records(3);
    const expected = (partnerId: string, driverId: string) => ({ partnerId, driverKey: driverPseudonym(KEY, partnerId, driverId), sharedDriverKey: sharedDriverPseudonym(KEY, driverId) });
    const asked = [['demo', 'd-1'], ['demo', 'd-1'], ['rival', 'd-1'], ['demo', 'd-2'], ['demo', 'd-3'], ['demo', 'd-1'], ['rival', 'd-1']] as const;
    for (const [partnerId, driverId] of asked) expect(sut.pseudonymsOf(partnerId, requestOf(driverId))).toEqual(expected(partnerId, driverId));
    expect(sut.pseudonymsOf('demo', requestOf('d-1')).driverKey).not.toBe(sut.pseudonymsOf('rival', requestOf('d-1')).driverKey);
  });

  it('keeps a reference holding a NUL apart from a partner and reference that would join to the same text', () => {
    const sut = records();
    expect(sut.pseudonymsOf('demo', requestOf('a\u0000b'))).toMatchObject({ partnerId: 'demo', driverKey: driverPseudonym(KEY, 'demo', 'a\u0000b') });
    expect(sut.pseudonymsOf('demo\u0000a', requestOf('b'))).toMatchObject({ partnerId: 'demo\u0000a', driverKey: driverPseudonym(KEY, 'demo\u0000a', 'b') });
    expect(sut.pseudonymsOf('demo1', requestOf('2'))).toMatchObject({ partnerId: 'demo1', driverKey: driverPseudonym(KEY, 'demo1', '2') });
    expect(sut.pseudonymsOf('demo', requestOf('12'))).toMatchObject({ partnerId: 'demo', driverKey: driverPseudonym(KEY, 'demo', '12') });
  });
});
