/**
 * Save and load in the TensorFlow.js layers format (model.json + weights.bin), which
 * TensorFlow.js loads directly and tensorflowjs_converter turns into a Keras model.
 *
 *   await model.save('out/mnist');                  // Node
 *   const again = await nn.loadModel('out/mnist');  // a directory, a model.json path or a URL
 *   const artifacts = model.toArtifacts();          // in memory: tf.io.fromMemory(artifacts)
 *   const copy = nn.fromArtifacts(artifacts);
 *   const json = nn.modelJson(artifacts, ['weights.bin']); // model.json's content, to write or download
 */
import { serialize } from './registry.js';
import { layerClasses } from './layer-classes.js';
import { initializerClasses, optimizerClasses, regularizerClasses } from './classes.js';

export { fromArtifacts, type LoadOptions } from './load.js';
export { loadModel } from './load-model.js';
export { modelJson } from './model-json.js';
export type { ModelArtifacts, SaveOptions } from './artifacts.js';
export type { Serialized } from './registry.js';

/**
 * The className registries: `serialization.layerClasses.fromConfig({ className: 'Dense',
 * config: layer.getConfig() })` builds a layer again, as `serialize(layer)` describes it.
 */
export const serialization = { serialize, layerClasses, optimizerClasses, regularizerClasses, initializerClasses };
