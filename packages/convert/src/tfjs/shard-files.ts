import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { checkLimit, type Limits } from '@pabnn/ir';
import { ConvertError } from '../errors.js';

export interface ShardFiles {
  /** Bytes of a shard, checked before anything is read. */
  size(path: string): number;
  read(path: string): Uint8Array;
}

const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel !== '' && !isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`);
};

/**
 * Weight shards of a TF.js model on disk. The manifest is untrusted: each path must resolve,
 * symbolic links followed, to a regular file inside the model's folder (not `../secret`, not
 * `/dev/zero`, not a directory) no larger than maxFileBytes; each violation is a ConvertError
 * naming the path as the manifest wrote it, and a file outside the folder is never opened.
 */
export function shardFiles(
  folder: string,
  limits: Limits,
  readBytes: (path: string) => Uint8Array,
): ShardFiles {
  const root = realpathSync(folder);
  const locate = (path: string): { real: string; bytes: number } => {
    if (isAbsolute(path) || !inside(root, resolve(root, path))) {
      throw new ConvertError(
        'tfjs-path',
        `weight shard '${path}' resolves outside the model's folder`,
      );
    }
    let real: string;
    try {
      real = realpathSync(resolve(root, path));
    } catch {
      throw new ConvertError(
        'tfjs-shard',
        `weight shard '${path}' (listed in the manifest) is missing`,
      );
    }
    if (!inside(root, real)) {
      throw new ConvertError(
        'tfjs-path',
        `weight shard '${path}' links outside the model's folder`,
      );
    }
    const stat = statSync(real);
    if (!stat.isFile()) {
      throw new ConvertError('tfjs-shard', `weight shard '${path}' is not a regular file`);
    }
    checkLimit(limits, 'maxFileBytes', stat.size, `weight shard '${path}': its size in bytes`);
    return { real, bytes: stat.size };
  };
  return {
    size: (path) => locate(path).bytes,
    read: (path) => readBytes(locate(path).real),
  };
}
