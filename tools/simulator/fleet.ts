import type { Random } from '../harness';

export interface SimVehicle {
  vehicleId: string;
  deviceId: string;
  category: 'ordinary' | 'small' | 'kei';
  modelRatingClass: number;
  firstRegistration: string;
  eco: boolean;
  asv: boolean;
  plateClassification: string;
  ownership: 'fleet' | 'peer';
  ownerDriverId?: string;
  /** Where the car is parked (WGS84), for crash locations: Japan's big carshare cities. */
  home: { lat: number; lon: number };
}

export interface SimDriver {
  driverId: string;
  age: number;
  licenceColour: 'gold' | 'blue' | 'green';
  grade?: number;
  accidentCoefficientYears?: number;
  trustScore?: number;
  telematics?: { score: number; km: number };
  /** Agreed to driving data: their car's trip summaries build the platform's driving score. */
  drivingDataConsent: boolean;
}

const CITIES = [
  { lat: 35.68, lon: 139.76, weight: 40 }, // Tokyo
  { lat: 34.69, lon: 135.5, weight: 18 }, // Osaka
  { lat: 35.18, lon: 136.91, weight: 10 }, // Nagoya
  { lat: 33.59, lon: 130.4, weight: 8 }, // Fukuoka
  { lat: 43.06, lon: 141.35, weight: 6 }, // Sapporo
  { lat: 35.44, lon: 139.64, weight: 10 }, // Yokohama
  { lat: 34.39, lon: 132.46, weight: 4 }, // Hiroshima
  { lat: 38.27, lon: 140.87, weight: 4 }, // Sendai
] as const;

/**
 * A carshare fleet: mostly fleet-owned compacts and kei cars, some peer-to-peer cars, recent
 * registrations with most having automatic braking (ASV), about half hybrids/EVs.
 */
export function buildFleet(random: Random, size: number, runTag: string): SimVehicle[] {
  return Array.from({ length: size }, (_, i) => {
    const category = random.weighted([['small', 45], ['kei', 30], ['ordinary', 25]] as const);
    const ageMonths = random.int(1, 110);
    const registered = new Date(Date.UTC(2026, 10, 1) - ageMonths * 30.44 * 86_400_000);
    const peer = random.chance(0.15);
    const city = random.weighted(CITIES.map((c) => [c, c.weight] as const));
    return {
      vehicleId: `sim-${runTag}-v${i}`,
      deviceId: `sim-${runTag}-d${i}`,
      category,
      modelRatingClass: category === 'kei' ? random.int(1, 7) : random.int(1, 17),
      firstRegistration: `${registered.getUTCFullYear()}-${String(registered.getUTCMonth() + 1).padStart(2, '0')}`,
      eco: random.chance(0.5),
      asv: random.chance(0.85),
      plateClassification: category === 'kei' ? '580' : random.pick(['300', '330', '500', '530']),
      ownership: peer ? 'peer' : 'fleet',
      ...(peer ? { ownerDriverId: `sim-${runTag}-owner${i}` } : {}),
      home: { lat: city.lat + random.normal(0, 0.05, -0.2, 0.2), lon: city.lon + random.normal(0, 0.05, -0.2, 0.2) },
    };
  });
}

/** Drivers: ages skewed to 25-45 (carshare users), licence colours and grades as in the market. */
export function buildDrivers(random: Random, size: number, runTag: string): SimDriver[] {
  return Array.from({ length: size }, (_, i) => {
    const age = Math.round(random.weighted([[random.int(18, 24), 12], [random.int(25, 34), 34], [random.int(35, 49), 34], [random.int(50, 69), 16], [random.int(70, 85), 4]] as const));
    const licenceColour = age < 21 ? 'green' : random.weighted([['gold', 55], ['blue', 43], ['green', 2]] as const);
    const hasGrade = random.chance(0.7);
    const km = random.chance(0.6) ? Math.round(random.normal(1500, 1200, 10, 8000)) : 0;
    return {
      driverId: `sim-${runTag}-drv${i}`,
      age,
      licenceColour,
      ...(hasGrade ? { grade: random.int(1, 20), accidentCoefficientYears: random.chance(0.1) ? random.int(1, 3) : 0 } : {}),
      ...(random.chance(0.8) ? { trustScore: Math.round(random.normal(75, 12, 0, 100)) } : {}),
      ...(km > 0 ? { telematics: { score: Math.round(random.normal(78, 10, 0, 100)), km } } : {}),
      // Three drivers in five consent; taken from the index, not the generator, so a seed still gives the same book.
      drivingDataConsent: i % 5 < 3,
    };
  });
}
