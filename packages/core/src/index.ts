export * from './authress.js';
export * from './schema.js';
export * from './tiledb.js';
export * from './uri.js';
