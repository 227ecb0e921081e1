/**
 * A batch of activations: `rows` samples × `cols` features, row-major in `storage`.
 *
 * A per-sample shape such as [28, 28] is flattened to 784 columns; the layer that produced
 * the batch keeps the shape in its `outputShape`. Layers, losses, metrics and activations
 * all pass batches, so the type lives here, below all of them.
 */

import type { Storage } from '../backend/kernels.js';

export interface Batch {
  storage: Storage;
  rows: number;
  cols: number;
}
