// The ironplan library: the engine facade, the pure planner and the shapes generated from schemas/.
export { Engine, type EngineConfig, type ApplyView } from './engine.js';
export { plan, inputsDigest, type Specs, type Records, type PlanOptions } from './plan.js';
export { formatPlan } from './plan-format.js';
export { Conductor, type Operation, type NodeCreate, type NodeUpdate } from './conductor.js';
export { EngineError, type ErrorCode } from './errors.js';
export { TRANSITIONS, USER_VERBS, nextState, allowedVerbs, type ProvisionState, type UserVerb } from './states.js';
export { buildServer } from './http/server.js';
export type { NodeSpec } from './generated/node-spec.js';
export type { PortSpec } from './generated/port-spec.js';
export type { DeploymentSpec } from './generated/deployment-spec.js';
export type { Fleet } from './generated/fleet.js';
export type { NodeRecord } from '../contract/generated/node-record.js';
export type { PortRecord } from '../contract/generated/port-record.js';
export type { DeploymentRecord } from './generated/deployment-record.js';
export type { Plan, PlanAction } from './generated/plan.js';
export type { Event } from './generated/event.js';
