// For driver authors: the interfaces a driver implements, and the built-in drivers to build on.
export * from './types.js';
export { register as registerBuiltinDrivers, builtinDrivers } from './builtin.js';
export { AgentDeploy } from './agent/deploy.js';
export { createTftpServer } from './tftp/server.js';
