import { PabnnError } from '@pabnn/ir';

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** A data file (labels, calibration folder content) that cannot be used: exit code 1. */
export class DataError extends PabnnError {}

/** An image file that cannot be used (not PNG/JPEG, bad header, undecodable): exit code 1. */
export class ImageError extends DataError {}
