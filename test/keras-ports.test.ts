/**
 * The regularization lessons' Keras code, ported line by line. Each statement carries, in the
 * comment above it, the Keras line it ports; where the port changes something, the comment
 * says what and why. What changes everywhere:
 *
 * - Sizes: the lessons train on the full MNIST for 10-20 epochs; these run on a few thousand
 *   of the `mnist` package's digits for a few epochs, so the suite stays fast. The models
 *   are the lessons' own, layer for layer.
 * - `mnist.load_data()` gives 0..255 bytes; `nn.data.loadMnist` has already divided by 255.
 * - Keras builds its models from Python's global random state; these are seeded
 *   (`{ seed }`, `setSeed`) so every assertion below sees the same numbers on every run.
 *
 * Each test asserts what the cell is about: shapes, the logged keys, accuracy above chance
 * where the model should learn, and chance accuracy where the labels are random.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';

const { dense, dropout, batchNormalization, activation, flatten } = nn.layers;
const { l1, l2, l1l2 } = nn.regularizers;

beforeAll(async () => {
  await nn.setBackend('wasm');
});

/** The digits of the mnist package as Keras's `mnist.load_data()` arranges them: x [n, 28, 28], y [n]. */
async function loadData(trainSize: number, testSize: number): Promise<{ xTrain: nn.Tensor; yTrain: nn.Tensor; xTest: nn.Tensor; yTest: nn.Tensor }> {
  const { train, test } = await nn.data.loadMnist({ trainSize, testSize, seed: 0 });
  return {
    xTrain: nn.tensor(nn.data.pixelsToFloat32(train.x), [train.n, 28, 28]), yTrain: nn.tensor(train.y),
    xTest: nn.tensor(nn.data.pixelsToFloat32(test.x), [test.n, 28, 28]), yTest: nn.tensor(test.y),
  };
}

function free(...tensors: nn.Tensor[]): void {
  for (const t of tensors) t.dispose();
}

const last = (values: number[]): number => values[values.length - 1];

describe('lesson 000: the combined model (L2 + batch norm + dropout)', () => {
  it('trains on one-hot MNIST with validation data and beats chance by far', async () => {
    // (x_train, y_train), (x_test, y_test) = mnist.load_data()
    const data = await loadData(3000, 500);
    // x_train, x_test = x_train.reshape(-1, 784) / 255.0, x_test.reshape(-1, 784) / 255.0
    const xTrain = data.xTrain.reshape([-1, 784]), xTest = data.xTest.reshape([-1, 784]);
    // y_train, y_test = to_categorical(y_train), to_categorical(y_test)
    const yTrain = nn.data.toCategorical(data.yTrain), yTest = nn.data.toCategorical(data.yTest);
    // model = Sequential([
    const model = nn.sequential([
      // Dense(512, activation='relu', kernel_regularizer=l2(0.001), input_shape=(784,)),
      dense({ units: 512, activation: 'relu', kernelRegularizer: l2(0.001), inputShape: [784] }),
      // BatchNormalization(),
      batchNormalization(),
      // Dropout(0.3),
      dropout({ rate: 0.3 }),
      // Dense(256, activation='relu', kernel_regularizer=l2(0.001)),
      dense({ units: 256, activation: 'relu', kernelRegularizer: l2(0.001) }),
      // BatchNormalization(),
      batchNormalization(),
      // Dropout(0.3),
      dropout({ rate: 0.3 }),
      // Dense(10, activation='softmax')
      dense({ units: 10, activation: 'softmax' }),
    ], { seed: 0 });
    // model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    // history = model.fit(x_train, y_train, epochs=10, batch_size=128, validation_data=(x_test, y_test))
    const history = await model.fit(xTrain, yTrain, { epochs: 3, batchSize: 128, validationData: [xTest, yTest], verbose: 0 });

    expect(yTrain.shape).toEqual([3000, 10]);
    expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'loss', 'regularization_loss', 'val_accuracy', 'val_loss']);
    expect(history.epoch).toEqual([0, 1, 2]);
    // Measured 0.872: validation uses batch norm's moving statistics, which after 72 steps at
    // momentum 0.99 still hold about half their initial values (0.99⁷² ≈ 0.49).
    expect(last(history.history.val_accuracy)).toBeGreaterThan(0.85);
    // The L2 penalty is part of the reported loss, as in the lesson's log.
    expect(history.history.regularization_loss[0]).toBeGreaterThan(0);
    model.dispose();
    free(data.xTrain, data.yTrain, data.xTest, data.yTest, xTrain, xTest, yTrain, yTest);
  });
});

describe('lesson 001: with and without dropout', () => {
  it('a train_test_split, then the same network with and without dropout', async () => {
    const data = await loadData(2000, 1);
    // X_train = X_train.reshape(-1, 28*28) / 255.0
    const x = data.xTrain.reshape([-1, 28 * 28]);
    // y_train = tf.keras.utils.to_categorical(y_train, num_classes=10)
    const y = nn.data.toCategorical(data.yTrain, 10);
    // X_train, X_val, y_train, y_val = train_test_split(X_train, y_train, test_size=0.1, random_state=42)
    const { xTrain, xTest: xVal, yTrain, yTest: yVal } = nn.data.trainTestSplit(x, y, { testSize: 0.1, seed: 42 });
    // model_with_dropout = Sequential([
    const modelWithDropout = nn.sequential([
      // Dense(512, activation='relu', input_shape=(28*28,)),
      dense({ units: 512, activation: 'relu', inputShape: [28 * 28] }),
      // Dropout(0.5),
      dropout({ rate: 0.5 }),
      // Dense(256, activation='relu'),
      dense({ units: 256, activation: 'relu' }),
      // Dropout(0.5),
      dropout({ rate: 0.5 }),
      // Dense(10, activation='softmax')
      dense({ units: 10, activation: 'softmax' }),
    ], { seed: 1 });
    // model_with_dropout.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
    modelWithDropout.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    // history_with_dropout = model_with_dropout.fit(X_train, y_train, epochs=20, batch_size=128, validation_data=(X_val, y_val))
    const historyWithDropout = await modelWithDropout.fit(xTrain, yTrain, { epochs: 4, batchSize: 128, validationData: [xVal, yVal], verbose: 0 });
    // model_without_dropout = Sequential([
    const modelWithoutDropout = nn.sequential([
      // Dense(512, activation='relu', input_shape=(28*28,)),
      dense({ units: 512, activation: 'relu', inputShape: [28 * 28] }),
      // Dense(256, activation='relu'),
      dense({ units: 256, activation: 'relu' }),
      // Dense(10, activation='softmax')
      dense({ units: 10, activation: 'softmax' }),
    ], { seed: 1 });
    // compiled and fitted the same way
    modelWithoutDropout.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const historyWithoutDropout = await modelWithoutDropout.fit(xTrain, yTrain, { epochs: 4, batchSize: 128, validationData: [xVal, yVal], verbose: 0 });

    expect(xTrain.shape).toEqual([1800, 784]);
    expect(xVal.shape).toEqual([200, 784]);
    for (const h of [historyWithDropout, historyWithoutDropout]) expect(last(h.history.val_accuracy)).toBeGreaterThan(0.85);
    // Dropout costs training accuracy (measured with units dropped): the gap the lesson plots.
    expect(last(historyWithDropout.history.accuracy)).toBeLessThan(last(historyWithoutDropout.history.accuracy));
    modelWithDropout.dispose();
    modelWithoutDropout.dispose();
    free(data.xTrain, data.yTrain, data.xTest, data.yTest, x, y, xTrain, xVal, yTrain, yVal);
  });

  it('early stopping, which the lesson explains: stop where validation loss is best', async () => {
    // Not a cell of the lesson; the Keras line for what its text describes.
    const data = await loadData(600, 200);
    const xTrain = data.xTrain.reshape([-1, 784]), xVal = data.xTest.reshape([-1, 784]);
    const model = nn.sequential([
      dense({ units: 256, activation: 'relu', inputShape: [784] }),
      dense({ units: 10, activation: 'softmax' }),
    ], { seed: 2 });
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    // early_stopping = EarlyStopping(monitor='val_loss', patience=2, restore_best_weights=True)
    const earlyStopping = nn.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    // history = model.fit(x_train, y_train, epochs=100, validation_data=(x_val, y_val), callbacks=[early_stopping])
    const history = await model.fit(xTrain, data.yTrain, { epochs: 100, validationData: [xVal, data.yTest], callbacks: [earlyStopping], verbose: 0 });

    const valLoss = history.history.val_loss;
    expect(history.epoch.length).toBeLessThan(100);
    expect(earlyStopping.stoppedEpoch).toBe(last(history.epoch));
    expect(earlyStopping.bestEpoch).toBe(valLoss.indexOf(Math.min(...valLoss)));
    // The weights put back are the best epoch's: evaluating them gives its validation loss.
    expect(model.evaluate(xVal, data.yTest).loss).toBeCloseTo(Math.min(...valLoss), 5);
    model.dispose();
    free(data.xTrain, data.yTrain, data.xTest, data.yTest, xTrain, xVal);
  });
});

describe('lesson 002: dropout and batch norm on random data', () => {
  /** The lesson's random data: nothing to learn, so validation accuracy stays at chance (0.1). */
  function randomData(): { xTrain: nn.Tensor; yTrain: nn.Tensor } {
    nn.setSeed(2); // tf.random.set_seed(2): the lesson draws unseeded; seeded here to repeat
    // x_train = tf.random.normal((1000, 20))
    const xTrain = nn.random.normal([1000, 20]);
    // y_train = tf.random.uniform((1000,), maxval=10, dtype=tf.int32)
    const yTrain = nn.random.int([1000], { max: 10 });
    return { xTrain, yTrain };
  }

  /** Chance on 200 validation samples of 10 classes: 0.1 ± 0.021, so below 0.2 at every epoch. */
  function expectChance(history: nn.History): void {
    for (const v of history.history.val_accuracy) expect(v).toBeLessThan(0.2);
    expect(history.history.val_loss[0]).toBeGreaterThan(Math.log(10) - 0.2); // ≈ ln 10 for a uniform guess
  }

  it('dropout: validation_split=0.2 on random normal data stays at chance', async () => {
    const { xTrain, yTrain } = randomData();
    // model = Sequential([
    const model = nn.sequential([
      // Dense(64, activation='relu', input_shape=(20,)),
      dense({ units: 64, activation: 'relu', inputShape: [20] }),
      // Dropout(0.5),
      dropout({ rate: 0.5 }),
      // Dense(64, activation='relu'),
      dense({ units: 64, activation: 'relu' }),
      // Dropout(0.5),
      dropout({ rate: 0.5 }),
      // Dense(10, activation='softmax')
      dense({ units: 10, activation: 'softmax' }),
    ]);
    // model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    // model.fit(x_train, y_train, epochs=10, validation_split=0.2)
    const history = await model.fit(xTrain, yTrain, { epochs: 10, validationSplit: 0.2, verbose: 0 });

    expect(history.params?.samples).toBe(800);
    expect(history.params?.validationSamples).toBe(200);
    expectChance(history);
    model.dispose();
    free(xTrain, yTrain);
  });

  it('batch normalization in place of dropout: memorizes, still chance on validation', async () => {
    const { xTrain, yTrain } = randomData();
    // model = Sequential([
    const model = nn.sequential([
      // Dense(64, activation='relu', input_shape=(20,)),
      dense({ units: 64, activation: 'relu', inputShape: [20] }),
      // BatchNormalization(),
      batchNormalization(),
      // Dense(64, activation='relu'),
      dense({ units: 64, activation: 'relu' }),
      // BatchNormalization(),
      batchNormalization(),
      // Dense(10, activation='softmax')
      dense({ units: 10, activation: 'softmax' }),
    ]);
    // compiled and fitted as above
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const history = await model.fit(xTrain, yTrain, { epochs: 10, validationSplit: 0.2, verbose: 0 });

    expectChance(history);
    // Without dropout the network memorizes noise: training accuracy climbs well above chance.
    expect(last(history.history.accuracy)).toBeGreaterThan(0.3);
    model.dispose();
    free(xTrain, yTrain);
  });

  it('no input shape: batch norm before the activation, dropout after; built by the first fit', async () => {
    const { xTrain, yTrain } = randomData();
    // model = tf.keras.Sequential([
    const model = nn.sequential([
      // tf.keras.layers.Dense(256),
      dense({ units: 256 }),
      // tf.keras.layers.BatchNormalization(),
      batchNormalization(),
      // tf.keras.layers.Activation('relu'),
      activation({ activation: 'relu' }),
      // tf.keras.layers.Dropout(0.5),
      dropout({ rate: 0.5 }),
      // tf.keras.layers.Dense(10, activation='softmax')
      dense({ units: 10, activation: 'softmax' }),
    ]);
    expect(model.built).toBe(false);
    expect(model.summary(() => undefined)).toMatch(/not built yet/);
    // compiled and fitted as above
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const history = await model.fit(xTrain, yTrain, { epochs: 5, validationSplit: 0.2, verbose: 0 });

    expect(model.inputShape).toEqual([20]);
    expect(model.countParams()).toEqual({ trainable: 20 * 256 + 256 + 2 * 256 + 256 * 10 + 10, nonTrainable: 2 * 256 });
    expectChance(history);
    model.dispose();
    free(xTrain, yTrain);
  });
});

describe('lesson 003: L2, dropout, learning rate, validation, k-fold, k-means', () => {
  it('L2 model; x_train[:n] splits; validation_data; an Adam instance', async () => {
    const data = await loadData(2000, 1);
    // model = keras.Sequential([
    const model = nn.sequential([
      // layers.Flatten(input_shape=(28, 28)),
      flatten({ inputShape: [28, 28] }),
      // layers.Dense(128, activation='relu', kernel_regularizer=regularizers.l2(0.01)),
      dense({ units: 128, activation: 'relu', kernelRegularizer: l2(0.01) }),
      // layers.Dense(10, activation='softmax')
      dense({ units: 10, activation: 'softmax' }),
    ], { seed: 3 });
    // model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    // optimizer = keras.optimizers.Adam(learning_rate=0.001)
    const optimizer = nn.optimizers.adam({ learningRate: 0.001 });
    // model.compile(optimizer=optimizer, loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    model.compile({ optimizer, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    // (x_train, x_valid) = x_train[:50000], x_train[50000:]
    const [xTrain, xValid] = [data.xTrain.slice(0, 1600), data.xTrain.slice(1600)];
    // (y_train, y_valid) = y_train[:50000], y_train[50000:]
    const [yTrain, yValid] = [data.yTrain.slice(0, 1600), data.yTrain.slice(1600)];
    // model.fit(x_train, y_train, epochs=5, validation_data=(x_valid, y_valid))
    const history = await model.fit(xTrain, yTrain, { epochs: 3, validationData: [xValid, yValid], verbose: 0 });

    expect(xTrain.shape).toEqual([1600, 28, 28]);
    expect(xValid.shape).toEqual([400, 28, 28]);
    expect(model.optimizer).toBe(optimizer);
    expect(last(history.history.val_accuracy)).toBeGreaterThan(0.8);
    // The predicted class of each sample is the argmax of its probabilities.
    const probabilities = model.predict(xValid);
    const predicted = probabilities.argMax(-1);
    const right = Array.from(predicted.data).filter((c, i) => c === yValid.data[i]).length;
    expect(right / 400).toBeCloseTo(last(history.history.val_accuracy), 10);
    model.dispose();
    free(data.xTrain, data.yTrain, data.xTest, data.yTest, xTrain, xValid, yTrain, yValid, probabilities, predicted);
  });

  it('dropout model; k-fold with index arrays; a supervised fit; k-means on the flattened images', async () => {
    const data = await loadData(1000, 1);
    const xTrain = data.xTrain, yTrain = data.yTrain;
    // model = keras.Sequential([
    const model = nn.sequential([
      // layers.Flatten(input_shape=(28, 28)),
      flatten({ inputShape: [28, 28] }),
      // layers.Dense(128, activation='relu'),
      dense({ units: 128, activation: 'relu' }),
      // layers.Dropout(0.5),
      dropout({ rate: 0.5 }),
      // layers.Dense(10, activation='softmax')
      dense({ units: 10, activation: 'softmax' }),
    ], { seed: 4 });
    model.compile({ optimizer: nn.optimizers.adam({ learningRate: 0.001 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    // kf = KFold(n_splits=5)
    const kf = nn.data.kFold(xTrain.shape[0], { k: 5 });
    const foldAccuracy: number[] = [];
    // for train_index, val_index in kf.split(x_train):
    for (const { train: trainIndex, test: valIndex } of kf) {
      // x_train_fold, x_val_fold = x_train[train_index], x_train[val_index]
      const [xTrainFold, xValFold] = [xTrain.take(trainIndex), xTrain.take(valIndex)];
      // y_train_fold, y_val_fold = y_train[train_index], y_train[val_index]
      const [yTrainFold, yValFold] = [yTrain.take(trainIndex), yTrain.take(valIndex)];
      // model.fit(x_train_fold, y_train_fold, epochs=5, validation_data=(x_val_fold, y_val_fold))
      const history = await model.fit(xTrainFold, yTrainFold, { epochs: 1, validationData: [xValFold, yValFold], verbose: 0 });
      expect(xValFold.shape).toEqual([200, 28, 28]);
      foldAccuracy.push(history.history.val_accuracy[0]);
      free(xTrainFold, xValFold, yTrainFold, yValFold);
    }
    // As in the lesson, one model trains on through the folds (and so has seen each later
    // fold's validation rows): its accuracy rises fold by fold. nn.data.crossValidate
    // trains a fresh model per fold.
    expect(foldAccuracy).toHaveLength(5);
    expect(foldAccuracy[0]).toBeGreaterThan(0.5);
    expect(last(foldAccuracy)).toBeGreaterThan(foldAccuracy[0]);

    // model.fit(x_train, y_train, epochs=5)          # supervised: labels
    const history = await model.fit(xTrain, yTrain, { epochs: 1, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(['accuracy', 'loss']);

    // x_train_flat = x_train.reshape(x_train.shape[0], -1)
    const xTrainFlat = xTrain.reshape([xTrain.shape[0], -1]);
    // kmeans = KMeans(n_clusters=10)                 # unsupervised: no labels
    // kmeans.fit(x_train_flat)
    const kmeans = nn.cluster.kmeans(xTrainFlat, { k: 10 });
    expect(xTrainFlat.shape).toEqual([1000, 784]);
    expect(kmeans.centroids.shape).toEqual([10, 784]);
    expect(kmeans.labels).toHaveLength(1000);
    // Clusters follow digits without seeing a label: the majority digit of each cluster
    // covers far more samples than the 10% a random assignment would.
    const majority = Array.from({ length: 10 }, (_, c) => {
      const counts = new Array(10).fill(0);
      kmeans.labels.forEach((label, i) => { if (label === c) counts[yTrain.data[i]]++; });
      return Math.max(...counts);
    });
    expect(majority.reduce((a, b) => a + b, 0) / 1000).toBeGreaterThan(0.4);
    model.dispose();
    free(data.xTrain, data.yTrain, data.xTest, data.yTest, xTrainFlat, kmeans.centroids);
  });
});

describe('lesson 004: dropout with model.add, binary output', () => {
  it('model.add, one sigmoid unit, binary cross-entropy on multi-hot vectors', async () => {
    // The lesson's IMDB reviews as 10,000-word multi-hot vectors; here random reviews: words
    // 0..499 are "positive" (in 4% of positive reviews, 1% of negative ones), 500..999
    // "negative" (the reverse), the rest neutral (2%). So there is something to learn.
    const y = nn.random.int([600], { max: 2, seed: 4 });
    const x = nn.random.uniform([600, 10000], { seed: 5 });
    const words = x.data, labels = y.data;
    for (let i = 0; i < 600; i++) {
      for (let w = 0; w < 10000; w++) {
        const p = w < 500 ? (labels[i] ? 0.04 : 0.01) : w < 1000 ? (labels[i] ? 0.01 : 0.04) : 0.02;
        words[i * 10000 + w] = words[i * 10000 + w] < p ? 1 : 0;
      }
    }
    // model = models.Sequential()
    const model = nn.sequential([], { seed: 6 });
    // model.add(layers.Dense(16, activation='relu', input_shape=(10000,)))
    model.add(dense({ units: 16, activation: 'relu', inputShape: [10000] }));
    // model.add(layers.Dropout(0.5))
    model.add(dropout({ rate: 0.5 }));
    // model.add(layers.Dense(16, activation='relu'))
    model.add(dense({ units: 16, activation: 'relu' }));
    // model.add(layers.Dropout(0.5))
    model.add(dropout({ rate: 0.5 }));
    // model.add(layers.Dense(1, activation='sigmoid'))
    model.add(dense({ units: 1, activation: 'sigmoid' }));
    // The lesson's cell ends with the model; compiled and fitted here as that IMDB example usually is:
    // model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])
    model.compile({ optimizer: 'rmsprop', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    // model.fit(x_train, y_train, epochs=20, batch_size=512, validation_split=0.2)
    const history = await model.fit(x, y, { epochs: 8, batchSize: 64, validationSplit: 0.2, verbose: 0 });

    expect(model.outputShape).toEqual([1]);
    expect(last(history.history.val_accuracy)).toBeGreaterThan(0.85); // measured 0.93
    model.dispose();
    free(x, y);
  });
});

describe('optimizers and penalties the lessons name', () => {
  it('SGD with momentum, RMSprop; l1, l2 and l1_l2 penalties', async () => {
    // Not cells of the lessons: the Keras lines for the optimizers and penalties they discuss.
    const data = await loadData(800, 200);
    const xTrain = data.xTrain.reshape([-1, 784]), xTest = data.xTest.reshape([-1, 784]);
    const optimizers = [
      // keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
      nn.optimizers.sgd({ learningRate: 0.01, momentum: 0.9 }),
      // keras.optimizers.RMSprop(learning_rate=0.001)
      nn.optimizers.rmsprop({ learningRate: 0.001 }),
      // keras.optimizers.Adam(learning_rate=0.001)
      nn.optimizers.adam({ learningRate: 0.001 }),
    ];
    const penalties = [
      // regularizers.l1(0.001)
      l1(0.001),
      // regularizers.l2(0.001)
      l2(0.001),
      // regularizers.l1_l2(l1=0.001, l2=0.001)
      l1l2({ l1: 0.001, l2: 0.001 }),
    ];
    for (const [i, optimizer] of optimizers.entries()) {
      // Dense(64, activation='relu', kernel_regularizer=..., input_shape=(784,)), Dense(10, activation='softmax')
      const model = nn.sequential([
        dense({ units: 64, activation: 'relu', kernelRegularizer: penalties[i], inputShape: [784] }),
        dense({ units: 10, activation: 'softmax' }),
      ], { seed: 7 });
      model.compile({ optimizer, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
      const history = await model.fit(xTrain, data.yTrain, { epochs: 3, validationData: [xTest, data.yTest], verbose: 0 });
      expect(history.history.regularization_loss[0], optimizer.className).toBeGreaterThan(0);
      expect(last(history.history.val_accuracy), optimizer.className).toBeGreaterThan(0.75);
      model.dispose();
    }
    free(data.xTrain, data.yTrain, data.xTest, data.yTest, xTrain, xTest);
  });

  it('labels as Keras loaders give them: uint8 (mnist.load_data) and int32 (tf.random)', async () => {
    const data = await loadData(300, 1);
    const x = data.xTrain.reshape([-1, 784]);
    const model = nn.sequential([dense({ units: 10, activation: 'softmax', inputShape: [784] })], { seed: 8 });
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    // y_train.dtype == uint8
    const asBytes = Uint8Array.from(data.yTrain.data);
    const history = await model.fit(x, asBytes, { epochs: 5, verbose: 0 });
    // y_train = tf.random.uniform(..., dtype=tf.int32)
    const asInt32 = Int32Array.from(data.yTrain.data);
    expect(model.evaluate(x, asInt32).accuracy).toBeGreaterThan(0.5);
    expect(history.history.loss[0]).toBeGreaterThan(0);
    model.dispose();
    free(data.xTrain, data.yTrain, data.xTest, data.yTest, x);
  });
});
