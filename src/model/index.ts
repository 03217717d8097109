export * from './assert-never.js';
export * from './outcome.js';
export * from './probe.js';
export * from './report.js';
export * from './scenario.js';
export * from './family.js';
export * from './labels.js';
export * from './objects.js';
