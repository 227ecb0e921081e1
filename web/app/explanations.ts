/**
 * What each control means, in a sentence or two in the lessons' terms, and the files of the
 * library that implement it (paths from the repository root; test/web/explanations.test.ts
 * checks that they exist).
 */

export const EXPLANATIONS: Record<string, { text: string; sources: string[] }> = {
  dataset: {
    text: 'Spirals and blobs are points in the plane, so you can watch the function the network draws. Digits are 28×28 images of handwriting (MNIST): 784 inputs each.',
    sources: ['src/data/synthetic.ts', 'src/data/idx.ts'],
  },
  trainSize: {
    text: 'The main lever of overfitting: with few samples a large network learns them by heart, and training accuracy climbs while validation accuracy stalls. The validation set stays the same.',
    sources: ['src/data/split.ts'],
  },
  noise: {
    text: 'Gaussian noise on every coordinate. With more of it the classes overlap, and a boundary that gets every training point right is fitting the noise.',
    sources: ['src/data/synthetic.ts'],
  },
  hidden: {
    text: 'Each hidden layer computes y = f(x·W + b). More layers and units give more capacity: enough to fit the pattern, and enough to memorize the noise.',
    sources: ['src/layers/dense.ts'],
  },
  dropout: {
    text: 'In training, each unit of the layer is zeroed with probability rate and the others scaled by 1/(1−rate); at test time nothing is dropped. No unit can count on another, which smooths the boundary.',
    sources: ['src/layers/dropout.ts'],
  },
  activation: {
    text: 'The nonlinearity f of the hidden layers. relu, max(0, x), bends the boundary at corners; tanh and sigmoid bend it smoothly, and sigmoid’s small slope makes deep stacks slow to train.',
    sources: ['src/activations.ts'],
  },
  batchNorm: {
    text: 'Standardizes each unit over the batch, (x − mean)/√(var + ε), then rescales it by a learned γ and shifts it by β; at test time it uses running averages. It tolerates larger learning rates, and its batch-to-batch noise regularizes a little.',
    sources: ['src/layers/batchnorm.ts'],
  },
  l1: {
    text: 'Adds λ·Σ|w| to the loss. Its pull, λ·sign(w), is as strong on small weights as on large ones, so it drives many to zero: watch the bar at 0 in the histogram.',
    sources: ['src/regularizers.ts'],
  },
  l2: {
    text: 'Adds λ·Σw² to the loss, whose pull 2λw shrinks each weight in proportion to its size: under SGD the bell narrows. Adam divides every step by the gradient’s running size, so there L2 drives idle weights to zero much as L1 does (AdamW’s decay does not).',
    sources: ['src/regularizers.ts', 'src/optimizers/adamw.ts'],
  },
  optimizer: {
    text: 'How a gradient becomes a step. SGD steps by −lr·g; RMSprop and Adam divide by a running size of each weight’s gradient, so all weights move at a like pace; AdamW also decays the weights, apart from the gradient.',
    sources: ['src/optimizers/sgd.ts', 'src/optimizers/adam.ts'],
  },
  learningRate: {
    text: 'The size of each step. Too small and the loss creeps down; too large and it jumps about, or blows up to a non-finite loss.',
    sources: ['src/optimizers/optimizer.ts'],
  },
  batchSize: {
    text: 'Samples per gradient step. Small batches give noisy steps (a mild regularizer) and many of them per epoch; large batches give smooth steps, and fewer.',
    sources: ['src/model/fit.ts'],
  },
  epochs: {
    text: 'Passes over the training set. Training ends here, or earlier with early stopping.',
    sources: ['src/model/fit.ts'],
  },
  patience: {
    text: 'Stops once the validation loss has not improved for this many epochs, and puts back the weights of the best epoch: a regularizer that costs nothing.',
    sources: ['src/callbacks/early-stopping.ts'],
  },
  seed: {
    text: 'Sets the initial weights, the order of the samples in each epoch and every dropout mask (the data stay fixed). The same seed gives the same curve, to the last bit: Reset and train again to see it.',
    sources: ['src/random.ts'],
  },
};
