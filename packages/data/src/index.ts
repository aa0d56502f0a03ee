export * from './io/index.js';
export * from './loader/index.js';
export * from './text/index.js';
export * from './image/index.js';
export * from './audio/index.js';
export * from './download/index.js';
