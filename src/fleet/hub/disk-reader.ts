// Reads artifacts from the hub's content-addressed store on disk, laid out as the fleet contract says:
// <dataDir>/fleet/artifacts/sha256/<hex>. (The GitSource controller's store writes it; this only reads.)
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactReader } from '../artifact.js';

/** The directory of the artifact store under a data directory. */
export const artifactStoreDir = (dataDir: string): string => join(dataDir, 'fleet', 'artifacts');

/** An ArtifactReader over `<dataDir>/fleet/artifacts/sha256/<hex>`; a missing file is "not here". */
export function diskArtifactReader(dataDir: string): ArtifactReader {
  const root = artifactStoreDir(dataDir);
  return {
    async read(digest: string): Promise<Buffer | undefined> {
      const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
      if (!m) return undefined;
      try {
        return await readFile(join(root, 'sha256', m[1]!));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
  };
}
