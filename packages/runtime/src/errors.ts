import { PabnnError } from '@pabnn/ir';

/** Session errors: bad feeds, no usable backend, unsupported ops, use after dispose. */
export class SessionError extends PabnnError {}
