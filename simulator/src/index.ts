/**
 * The simulated RouterOS API server: the app's built-in Demo router and the peer of every
 * integration and end-to-end test. See docs/simulator.md.
 */
export { startSimulator, SIMULATOR_ADH_CIPHERS } from './simulator';
export type { Simulator, SimulatorEvents, SimulatorOptions, SimulatorUser, SessionInfo } from './simulator';
export type { Faults } from './faults';
export { DEFAULT_MNDP_INTERVAL_MS, type MndpOptions } from './mndp';
export type { InspectMode } from './inspect';
export type { ConnectionLimits } from './connection';
export { RouterModel, Menu, Item, CommandError, normalizePath } from './model';
export type { Change, ChangeKind, MenuSpec, PropSpec, Row, Policy } from './model';
export { parseRosVersion, quirksOf, type RosVersion, type VersionQuirks } from './version';
export { fromText, fromTextIn, toText, fromBytes } from './bytes';
export { compileQuery, QueryError } from './query';
