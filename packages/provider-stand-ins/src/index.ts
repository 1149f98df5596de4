export { startStandIns, type StandIns } from './stand-ins.js';
export type { StandInOptions } from './stand-in-options.js';
export { DEFAULT_STAND_IN_KEYS } from './default-keys.js';
export { STAND_IN_PROVIDERS, isStandInProvider, type StandInProvider } from './provider-id.js';
export type { Injection } from './injection.js';
export type { RecordedRequest, PublicRecordedRequest } from './recorded-request.js';
export { maskKeyForLogs } from './mask-key.js';
export { keyFailureOf, KEY_FAILURE_STATUSES, type KeyFailure } from './key-failure-marker.js';
