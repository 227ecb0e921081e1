// A Keras-style positional call (Dense(128), Dropout(0.5), Activation('relu')) is refused with
// the options form it should have been.

import { describe, expect, it } from 'vitest';
import * as nn from '../../src/index.js';

describe('positional layer arguments', () => {
  it('dense(128), dropout(0.5) and activation("relu") show the options form', () => {
    expect(() => nn.layers.dense(128 as never)).toThrow(nn.ConfigError);
    expect(() => nn.layers.dense(128 as never)).toThrow('dense: options are passed by name, as in dense({ units: 128 })');
    expect(() => nn.layers.dropout(0.5 as never)).toThrow('dropout: options are passed by name, as in dropout({ rate: 0.5 })');
    expect(() => nn.layers.activation('relu' as never)).toThrow("activation: options are passed by name, as in activation({ activation: 'relu' })");
  });

  it('a call with no options names what is missing', () => {
    expect(() => nn.layers.dense(undefined as never)).toThrow('dense: options are required, at least dense({ units: ... })');
    expect(() => nn.layers.dropout(undefined as never)).toThrow('dropout: options are required, at least dropout({ rate: ... })');
    expect(() => nn.layers.activation(undefined as never)).toThrow(nn.ConfigError);
    expect(() => nn.layers.dense({} as never)).toThrow(/units must be a positive integer, got undefined/);
  });
});
