// Errors the engine raises, each with the HTTP status and Ironic fault name the API maps it to.

export type ErrorCode =
  | 'NotFound'
  | 'NodeLocked'
  | 'Conflict'
  | 'StaleWrite'
  | 'InvalidState'
  | 'InvalidStateConflict'
  | 'InvalidParameter'
  | 'StalePlan'
  | 'NodeInMaintenance'
  | 'DriverError'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Unavailable';

const STATUS: Record<ErrorCode, number> = {
  NotFound: 404,
  NodeLocked: 409,
  Conflict: 409,
  StaleWrite: 409,
  InvalidState: 400,
  /** A state that forbids the request outright, which Ironic answers with 409 (deleting a deployed node). */
  InvalidStateConflict: 409,
  InvalidParameter: 400,
  StalePlan: 409,
  NodeInMaintenance: 400,
  DriverError: 400,
  Unauthorized: 401,
  Forbidden: 403,
  /** No live manager can take the call (none has the driver, or the owner stopped answering). */
  Unavailable: 503,
};

export class EngineError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** The input field at fault, when one is (e.g. driver_info.ipmi_address). */
  readonly field?: string;
  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = STATUS[code];
    this.field = field;
  }
}

export const notFound = (what: string, ident: string) => new EngineError('NotFound', `${what} ${ident} could not be found.`);

export const nodeLocked = (ident: string, holder: string) =>
  new EngineError('NodeLocked', `Node ${ident} is locked by host ${holder}, please retry after the current operation is completed.`);

/** A 400 whose message is already whole (it names the field in its own words), with the field it concerns. */
export const invalid = (message: string, field?: string) => new EngineError('InvalidParameter', message, field);

export const invalidParameter = (field: string, reason: string) =>
  new EngineError('InvalidParameter', `${field}: ${reason}`, field);

/** Ironic's NodeProtected (403): a protected node is not undeployed, rebuilt or deleted. */
export const nodeProtected = (uuid: string) => new EngineError('Forbidden', `Node ${uuid} is protected and cannot be undeployed, rebuilt or deleted`, 'protected');
