// The drain state of the lossless pod sequence lives in src/release/pod/drain.ts (shared with the SidecarSet
// upgrade); re-exported here for the CellDeployment's sync steps.
export { drainState, SERVING_SETTLE_MS, TRAFFIC_SETTLE_MS, type DrainState } from '../../pod/drain.js';
