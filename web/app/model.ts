/**
 * The network of a config, with the library's public API only:
 *
 *   for each hidden layer i (units u, dropout rate r):
 *     without batch norm:  dense(u, activation)                    [→ dropout(r)]
 *     with batch norm:     dense(u, no bias) → batchNormalization → activation  [→ dropout(r)]
 *   output:                dense(classes, softmax)
 *
 * With batch norm the dense layer has no bias: batch norm subtracts the batch mean and adds
 * its own learned beta, so a bias before it would do nothing. The L1/L2 penalty goes on every
 * kernel (the output layer's too), never on biases, as in the examples.
 */

import * as nn from 'wasmnn';
import type { PlaygroundConfig } from './config.js';

/** The penalty of the config, or null when both factors are 0. */
function penalty(config: PlaygroundConfig): nn.layers.Regularizer | null {
  if (config.l1 > 0 && config.l2 > 0) return nn.regularizers.l1l2({ l1: config.l1, l2: config.l2 });
  if (config.l1 > 0) return nn.regularizers.l1(config.l1);
  if (config.l2 > 0) return nn.regularizers.l2(config.l2);
  return null;
}

function optimizer(config: PlaygroundConfig): nn.optimizers.Optimizer {
  const learningRate = config.learningRate;
  switch (config.optimizer) {
    case 'sgd': return nn.optimizers.sgd({ learningRate });
    case 'rmsprop': return nn.optimizers.rmsprop({ learningRate });
    case 'adamw': return nn.optimizers.adamw({ learningRate });
    case 'adam': return nn.optimizers.adam({ learningRate });
  }
}

/** A compiled model for `features` inputs and `classes` classes, seeded by config.seed. */
export function buildModel(config: PlaygroundConfig, features: number, classes: number): nn.Sequential {
  const kernelRegularizer = penalty(config);
  const layers: nn.layers.Layer[] = [];
  config.hidden.forEach((units, i) => {
    const inputShape = i === 0 ? { inputShape: [features] } : {};
    if (config.batchNorm) {
      layers.push(
        nn.layers.dense({ units, useBias: false, kernelRegularizer, ...inputShape }),
        nn.layers.batchNormalization(),
        nn.layers.activation({ activation: config.activation }),
      );
    } else {
      layers.push(nn.layers.dense({ units, activation: config.activation, kernelRegularizer, ...inputShape }));
    }
    const rate = config.dropout[i] ?? 0;
    if (rate > 0) layers.push(nn.layers.dropout({ rate }));
  });
  const outputInput = config.hidden.length === 0 ? { inputShape: [features] } : {};
  layers.push(nn.layers.dense({ units: classes, activation: 'softmax', kernelRegularizer, ...outputInput }));
  const model = nn.sequential(layers, { seed: config.seed });
  model.compile({ optimizer: optimizer(config), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
