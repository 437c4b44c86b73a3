// The agent's state record per ClusterDelivery, kept in the member (a ConfigMap in AGENT_NAMESPACE), so that it
// runs from it with the hub away, never goes back to a lower sequence, and prunes what it applied before.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ClusterOverrideT } from '../../api/fleet/clusterdelivery.js';
import { isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { ref } from '../../kube/resource.js';
import { AGENT_FIELD_MANAGER } from '../names.js';
import type { UnmatchedOverride } from '../overrides/apply.js';
import type { ObjectRef } from './objects.js';

/** Label on the agent's record ConfigMaps (value: the record id, also the LABEL_AGENT_RECORD of its objects). */
export const LABEL_RECORD = 'fleet.plinth.dev/agent-state';
const STATE_KEY = 'state.json';
const ARTIFACT_KEY = 'artifact.json.gz';

export interface DriftCounts {
  detected: number;
  corrected: number;
  lastAt?: string;
}

/** What the agent remembers of one ClusterDelivery. */
export interface AgentRecord {
  /** The hub ClusterDelivery, `namespace/name`. */
  delivery: string;
  sequence: number;
  revision: string;
  digest: string;
  overrides: ClusterOverrideT[];
  targetNamespace?: string;
  prune: boolean;
  drift: 'Correct' | 'Report';
  /** Applying: the apply of `sequence` started and did not finish (a restart redoes it); Applied; Failed. */
  phase: 'Applying' | 'Applied' | 'Failed';
  /** What the agent applied for `sequence` (while Applying: what it is applying). */
  inventory: ObjectRef[];
  /** While Applying: the inventory of the sequence before, pruned once the apply succeeds. */
  previous?: ObjectRef[];
  /** The last sequence applied in full (with its revision, digest and time). */
  appliedSequence?: number;
  appliedRevision?: string;
  appliedDigest?: string;
  appliedAt?: string;
  /** The failures of the last apply (object and message). */
  failures?: Array<{ kind: string; namespace?: string; name: string; message: string }>;
  driftCounts: DriftCounts;
  /** Overrides that matched no object of this revision. */
  unmatched?: UnmatchedOverride[];
}

/** A record and the artifact bytes it applied (kept so the agent can run with the hub away). */
export interface StoredRecord {
  record: AgentRecord;
  artifact: Buffer | undefined;
}

/** The record id of a hub ClusterDelivery (`namespace/name`): short, a valid label value and name part. */
export function recordId(delivery: string): string {
  return createHash('sha256').update(delivery).digest('hex').slice(0, 20);
}

export const recordName = (delivery: string): string => `plinth-delivery-${recordId(delivery)}`;

interface ConfigMap {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/** The ConfigMap holding a record (pure). */
export function recordConfigMap(namespace: string, stored: StoredRecord): ConfigMap & { apiVersion: string; kind: string } {
  const { record, artifact } = stored;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: recordName(record.delivery),
      namespace,
      labels: { [LABEL_RECORD]: recordId(record.delivery) },
      annotations: { 'fleet.plinth.dev/cluster-delivery': record.delivery },
    },
    data: { [STATE_KEY]: JSON.stringify(record) },
    binaryData: artifact ? { [ARTIFACT_KEY]: gzipSync(artifact).toString('base64') } : {},
  };
}

/** A record from its ConfigMap, or undefined when the ConfigMap is not one (pure). */
export function parseRecordConfigMap(cm: ConfigMap): StoredRecord | undefined {
  const raw = cm.data?.[STATE_KEY];
  if (!raw) return undefined;
  const record = JSON.parse(raw) as AgentRecord;
  const gz = cm.binaryData?.[ARTIFACT_KEY];
  return { record, artifact: gz ? gunzipSync(Buffer.from(gz, 'base64')) : undefined };
}

/** Reads and writes records in the member. */
export class RecordStore {
  private readonly cms;

  constructor(
    private readonly client: KubeClient,
    readonly namespace: string,
  ) {
    this.cms = ref('v1', 'configmaps', namespace);
  }

  async get(delivery: string, signal?: AbortSignal): Promise<StoredRecord | undefined> {
    try {
      return parseRecordConfigMap(await this.client.get<ConfigMap>(this.cms, recordName(delivery), { signal }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list(signal?: AbortSignal): Promise<StoredRecord[]> {
    const page = await this.client.list<ConfigMap>(this.cms, { labelSelector: LABEL_RECORD, signal });
    return page.items.map(parseRecordConfigMap).filter((r): r is StoredRecord => r !== undefined);
  }

  async put(stored: StoredRecord, signal?: AbortSignal): Promise<void> {
    const cm = recordConfigMap(this.namespace, stored);
    await this.client.patch(this.cms, cm.metadata.name, cm, 'apply', { fieldManager: AGENT_FIELD_MANAGER, force: true, signal });
  }

  async delete(delivery: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.client.delete(this.cms, recordName(delivery), { signal });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
