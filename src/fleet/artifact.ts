// The artifact: what the hub renders from one path of one commit and what an agent applies.
import { ARTIFACT_MEDIA_TYPE, artifactDigest } from './names.js';

export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

/** The body of an artifact (JSON): the rendered objects in a stable order (file path, then order in the file). */
export interface ArtifactBody {
  mediaType: typeof ARTIFACT_MEDIA_TYPE;
  objects: KubeObject[];
}

/** Encodes objects as an artifact; the digest is over exactly these bytes. */
export function encodeArtifact(objects: KubeObject[]): { bytes: Buffer; digest: string } {
  const body: ArtifactBody = { mediaType: ARTIFACT_MEDIA_TYPE, objects };
  const bytes = Buffer.from(JSON.stringify(body));
  return { bytes, digest: artifactDigest(bytes) };
}

/** Decodes and checks an artifact's bytes against the digest the ClusterDelivery names. */
export function decodeArtifact(bytes: Uint8Array, expectedDigest: string): ArtifactBody {
  const got = artifactDigest(bytes);
  if (got !== expectedDigest) throw new Error(`artifact digest ${got} does not match the expected ${expectedDigest}`);
  const body = JSON.parse(Buffer.from(bytes).toString('utf8')) as ArtifactBody;
  if (body.mediaType !== ARTIFACT_MEDIA_TYPE || !Array.isArray(body.objects)) throw new Error(`not a Plinth artifact (media type ${String(body.mediaType)})`);
  return body;
}

/** Where the hub keeps artifacts: content-addressed by digest. */
export interface ArtifactReader {
  /** The artifact's bytes, or undefined when the hub does not have it. */
  read(digest: string): Promise<Buffer | undefined>;
}
