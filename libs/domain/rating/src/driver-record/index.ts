export * from './driver-record';
export * from './driver-experience';
export * from './driving-score';
export * from './driver-pseudonym';
export * from './pseudonymous-driver';
