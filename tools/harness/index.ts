/**
 * The harness the tests, the bench and the chaos run share: the stack in its isolated corner, the
 * services as real processes, a partner's view of Kafka, registered car gateways and seeded
 * traffic. It imports neither `tools/` nor `test/` (lint enforces it), so both can import it.
 */
export * from './booking-events';
export * from './chaos/fault-injection';
export * from './chaos/ledger';
export * from './covered-vehicle';
export * from './devices';
export * from './intake-sessions';
export * from './kafka-probe';
export * from './platform-processes';
export * from './publish-alert';
export * from './random';
export * from './seed';
export * from './steady-bookings';
export * from './stack-setup';
export * from './test-env';
export * from './wait-until';
export * from './chaos/premium-ledger';
export * from './calibration-experience';
export * from './simulated-month';
export * from './simulated-month.runner';
export * from './pg-backup';
