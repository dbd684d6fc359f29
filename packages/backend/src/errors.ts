import { PabnnError } from '@pabnn/ir';

/** Registry, plugin and kernel errors; `code` says which. */
export class BackendError extends PabnnError {}
