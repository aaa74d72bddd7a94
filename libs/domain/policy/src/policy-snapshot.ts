/** Where a policy stands. `none`: a booking seen but never quoted; `ended` and `cancelled` are final. */
export type PolicyStatus = 'none' | 'quoted' | 'declined' | 'bound' | 'active' | 'ended' | 'cancelled';

/** The state of one policy (one per partner booking), as it is stored and as its events show it. */
export interface PolicySnapshot {
  id: string;
  /** Printed on the certificate; set when cover binds. */
  policyNumber: string | null;
  partnerId: string;
  bookingId: string;
  vehicleId: string;
  driverId: string;
  plan: string;
  status: PolicyStatus;
  /** The last booking event applied, without its `com.kurumacover.booking.` prefix (`confirmed`). */
  bookingStatus: string;
  coverStart: Date | null;
  coverEnd: Date | null;
  /** The end the partner booked; cover may run past it on a late return. */
  bookedEnd: Date | null;
  /** Premium charged so far, integer yen. */
  premiumYen: number;
  /** Refunds given so far, integer yen. */
  refundYen: number;
  tariffVersion: string | null;
  quoteId: string | null;
  breakdown: unknown;
  declineReasons: unknown;
  /** The booking as quoted: what the tariff prices extensions and refunds from. */
  request: unknown;
  lastSequence: number;
  boundAt: Date | null;
}
