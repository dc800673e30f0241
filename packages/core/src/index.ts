export * from './authress.js';
export * from './authress-groups.js';
export * from './groups.js';
export * from './schema.js';
export * from './tiledb.js';
export * from './uri.js';
