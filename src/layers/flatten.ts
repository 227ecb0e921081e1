/**
 * Flatten: reshapes each sample to one dimension, e.g. [28, 28] -> [784].
 *
 * Batches are already stored as rows of features, so flattening moves no data:
 *   forward:   y = x     (viewed with shape [prod(inputShape)])
 *   backward:  dx = dy
 */

import { LAYER_ARGS, Layer, layerArgs, type LayerArgs } from './layer.js';
import type { Batch } from '../core/batch.js';
import { sizeOf } from '../tensor.js';

export class Flatten extends Layer {
  readonly className = 'Flatten';

  constructor(args: LayerArgs = {}) {
    super(layerArgs('flatten', args, LAYER_ARGS), 'flatten');
  }

  protected computeOutputShape(inputShape: number[]): number[] {
    return [sizeOf(inputShape)];
  }

  forward(x: Batch, _training: boolean): Batch {
    return x;
  }

  backward(dy: Batch): Batch {
    return dy;
  }
}

/** Flattens each sample to one dimension. */
export function flatten(args: LayerArgs = {}): Flatten {
  return new Flatten(args);
}
