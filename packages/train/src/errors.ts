import { PabnnError } from '@pabnn/ir';

/** Bad training input or state: unknown dataset, unsupported op, NaN loss, corrupt checkpoint. */
export class TrainError extends PabnnError {}
