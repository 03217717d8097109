export { main } from './cli/main.js';
export type { CliIO } from './cli/io.js';
export * from './model/index.js';
