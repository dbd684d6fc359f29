import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { checkLimit, type Limits } from '@pabnn/ir';
import { ConvertError } from '../errors.js';

export interface ShardFiles {
  /** Bytes of a shard, checked before anything is read. */
  size(path: string): number;
  read(path: string): Uint8Array;
}

/**
 * The `bytes` bytes of a located shard, read through one descriptor that is checked again
 * (still a regular file of that size): a file swapped after the check, say for a link to
 * /dev/zero, cannot make the read grow.
 */
function readExactly(path: string, { real, bytes }: { real: string; bytes: number }): Uint8Array {
  const fd = openSync(real, 'r');
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size !== bytes) {
      throw new ConvertError('tfjs-shard', `weight shard '${path}' changed while it was read`);
    }
    const out = new Uint8Array(bytes);
    let at = 0;
    while (at < bytes) {
      const n = readSync(fd, out, at, bytes - at, at);
      if (n === 0) throw new ConvertError('tfjs-shard', `weight shard '${path}' ended early`);
      at += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
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
export function shardFiles(folder: string, limits: Limits): ShardFiles {
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
    read: (path) => readExactly(path, locate(path)),
  };
}
