import { PabnnError } from '@pabnn/ir';

/** An input model the converter cannot read or map; the message names the node or field. */
export class ConvertError extends PabnnError {}
