import fs from 'node:fs/promises';
import path from 'node:path';

// Where photo bytes live. Disk under the data directory by default; an S3-compatible store
// implements the same three methods.
export interface PhotoStorage {
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
}

export function diskStorage(root: string): PhotoStorage {
  const file = (key: string) => {
    if (!/^[\w.-]+$/.test(key)) throw new Error('bad storage key');
    return path.join(root, key.slice(0, 2), key);
  };
  return {
    async put(key, bytes) {
      await fs.mkdir(path.dirname(file(key)), { recursive: true });
      await fs.writeFile(file(key), bytes);
    },
    async get(key) {
      try {
        return await fs.readFile(file(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async delete(key) {
      await fs.rm(file(key), { force: true });
    },
  };
}

/** Where the product keeps photos: under its data directory, on either database engine. */
export const photoStorageIn = (dataDir: string): PhotoStorage =>
  diskStorage(path.join(dataDir, 'photos'));
