import type { VehicleValueBand } from './cover-schedule.schema';
import type { Coverage, TariffData } from './tariff.schema';

/** A vehicle's value band under one tariff, and whether the booking named the value. */
export interface ResolvedValueBand {
  band: VehicleValueBand;
  declaredValueYen?: number;
  defaulted: boolean;
}

export const isVehicleDamage = (c: Coverage): boolean => c === 'vehicleDamageStandard' || c === 'vehicleDamageFull';

const yen = (n: number) => `${n.toLocaleString('en-US')} yen`;

/**
 * The value band of `valueYen` under `t`: the first band whose top is at least the value, or the
 * tariff's default band when the booking gave none. Undefined when the tariff has no bands
 * (versions before kc-carshare-2026-12 price vehicle damage without them) or the value is above
 * the top band (eligibility declines that booking).
 */
export function vehicleValueBand(t: TariffData, valueYen: number | undefined): ResolvedValueBand | undefined {
  const schedule = t.vehicleValueBands;
  if (!schedule) return undefined;
  if (valueYen === undefined) {
    const band = schedule.bands.find((b) => b.id === schedule.defaultBandId);
    return band && { band, defaulted: true };
  }
  const band = schedule.bands.find((b) => valueYen <= b.upToYen);
  return band && { band, declaredValueYen: valueYen, defaulted: false };
}

/** The band's factor on vehicle damage; the sum insured does not change what liability costs. */
export const vehicleValueFactor = (band: VehicleValueBand, c: Coverage): number => (isVehicleDamage(c) ? band.vehicleDamageFactor : 1);

/** The breakdown label of the value-band step. */
export function vehicleValueLabel(resolved: ResolvedValueBand): string {
  const agreed = `agreed value ${yen(resolved.band.upToYen)}`;
  return resolved.defaulted
    ? `no vehicle value given: default band ${resolved.band.id}, ${agreed}`
    : `vehicle value ${yen(resolved.declaredValueYen as number)}: band ${resolved.band.id}, ${agreed}`;
}

/** Why a vehicle value cannot be insured under `t`, or undefined when it can. */
export function vehicleValueProblem(t: TariffData, valueYen: number | undefined): string | undefined {
  const top = t.vehicleValueBands?.bands.at(-1);
  if (valueYen === undefined || !top || valueYen <= top.upToYen) return undefined;
  return `vehicle.valueYen ${yen(valueYen)} is above the top value band (${yen(top.upToYen)}); vehicle damage cannot be agreed for it`;
}
