export * from './metrics/classification.js';
export * from './metrics/edit-distance.js';
export * from './atomic-write.js';
export * from './run-log.js';
export * from './progress.js';
export * from './early-stopping.js';
export * from './cli.js';
