export * from './svg.js';
export * from './line-chart.js';
export * from './training-curve.js';
export * from './confusion-heatmap.js';
export * from './class-table.js';
