/**
 * Pure planners of Plinth's release capability: no I/O, no clock (callers pass `now`), deterministic.
 * The CellDeployment and ReleaseOrder controllers call these; docs/release.md ("Planning") explains the rules.
 */
export { type Problem, formatProblems } from './problem.js';
export { type PodInfo, type PodLabelKeys, podInfo, deletionOrder, compareStrings } from './pods.js';
export { type UnitSpec, type ScalePlan, unitTargets, topologyProblems, scalePlan } from './units.js';
export {
  type PodTemplateLike,
  type ImageChange,
  type InPlaceResult,
  templateHash,
  inPlaceChange,
  isPlinthKey,
  canonicalJson,
} from './revision.js';
export { podPriority, podOrderValue, compareOrderValues, type PriorityPolicy } from './priority.js';
export { type Batch, type BatchInput, type BatchPod, planBatches, resolveBatchSize, maxUnavailablePerUnit } from './batches.js';
export { type BlackoutWindowT, type ActiveBlackout, activeBlackout, nextAllowedStart, blackoutProblems } from './blackout.js';
export { CRON_FIRE_BUDGET } from './cronfire.js';
export { type ImageReference, parseImageReference, isValidImageReference } from './imageref.js';
export { type ParameterPolicy, checkParameters, quantitySign } from './params.js';
export { type MetricCheckT, type SampleResult, type AnalysisOutcome, evaluateSample, analysisOutcome } from './analysis.js';
export {
  type HistoryEntryT,
  type ReleaseOrderLike,
  SYSTEM_ACTOR,
  HISTORY_LIMIT,
  historyEntry,
  appendHistory,
  withHistory,
  summarizeReleaseOrder,
} from './history.js';
