export * from './module.js';
export * from './config.js';
export * from './init.js';
export * from './layers/index.js';
export * from './losses/index.js';
export * from './optim/index.js';
export * from './checkpoint/index.js';
export { checkOptionKeys, closestKey, type OptionKeys } from './options.js';
