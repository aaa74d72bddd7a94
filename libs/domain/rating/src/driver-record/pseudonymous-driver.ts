import { driverPseudonym, sharedDriverPseudonym } from './driver-pseudonym';

/** The driver's two pseudonyms: per partner, and across the partners that opted in to sharing history. */
export interface DriverKeys {
  driverKey: string;
  sharedDriverKey: string;
}

/** What of a quote request or booking event names drivers: the driver and, for peer cars, the owner. */
interface NamesDrivers {
  driver: { driverId: string };
  vehicle: { ownerDriverId?: string };
}

/**
 * The request with the partner's driver references replaced by pseudonyms: the driver's
 * `driverKey` and, for a peer car, the owner's, hashed the same way so that "the driver owns the
 * car" still compares equal (eligibility).
 */
export function withDriverPseudonyms<T extends NamesDrivers>(key: string, partnerId: string, request: T, driverKey: string): T {
  const owner = request.vehicle.ownerDriverId;
  const ownerKey = owner === undefined ? undefined : owner === request.driver.driverId ? driverKey : driverPseudonym(key, partnerId, owner);
  return {
    ...request,
    driver: { ...request.driver, driverId: driverKey },
    ...(ownerKey === undefined ? {} : { vehicle: { ...request.vehicle, ownerDriverId: ownerKey } }),
  };
}

/**
 * A request as the platform keeps it (see {@link withDriverPseudonyms}) and its driver's keys. The
 * cross-partner key needs the reference, so it is computed here, while the reference is at hand.
 */
export function pseudonymousDriverOf<T extends NamesDrivers>(key: string, partnerId: string, request: T): { request: T; driverKeys: DriverKeys } {
  const driverKey = driverPseudonym(key, partnerId, request.driver.driverId);
  return {
    request: withDriverPseudonyms(key, partnerId, request, driverKey),
    driverKeys: { driverKey, sharedDriverKey: sharedDriverPseudonym(key, request.driver.driverId) },
  };
}
