// Node only: reads files, so it is exported by the package's Node entry (node.ts), never by
// the browser one (index.ts); see the package README, "Node and browsers".
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkLimit, LimitError, type Limits, resolveLimits } from '@pabnn/ir';
import { ConvertError } from '../errors.js';
import { shardFiles } from './shard-files.js';
import { parseWeights, type TfjsModel } from './weights.js';

/**
 * Reads model.json and its shards from disk (Node). Both are untrusted: model.json must be a
 * regular file within maxFileBytes, and every shard path must stay inside model.json's folder
 * and be a regular file; the shards' sizes must add up to what the manifest describes, all
 * checked before a shard is read (shard-files.ts).
 */
export function readTfjsModel(
  modelJsonPath: string,
  options: { limits?: Partial<Limits> } = {},
): TfjsModel {
  const limits = resolveLimits(options.limits);
  let modelJson: TfjsModel['modelJson'];
  try {
    const stat = statSync(modelJsonPath);
    if (!stat.isFile()) throw new Error('not a regular file');
    checkLimit(limits, 'maxFileBytes', stat.size, `${modelJsonPath}: its size in bytes`);
    modelJson = JSON.parse(readFileSync(modelJsonPath, 'utf8'));
  } catch (error) {
    if (error instanceof LimitError) throw error;
    throw new ConvertError(
      'tfjs-json',
      `${modelJsonPath} is not readable JSON: ${(error as Error).message}`,
    );
  }
  const shards = shardFiles(dirname(modelJsonPath), limits);
  return {
    modelJson,
    weights: parseWeights(modelJson?.weightsManifest, shards.read, shards.size, limits),
  };
}
