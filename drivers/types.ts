// The contract lives in contract/ so that the engine can name it without importing drivers/; drivers
// and driver packages keep importing it from here.
export * from '../contract/types.js';
