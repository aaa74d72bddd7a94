export * from './experience';
export * from './penalised-glm';
export * from './calibrate-coverage';
export * from './rating-variables';
export * from './hold-out-validation';
export * from './calibration-run';
export * from './experience-simulator';
