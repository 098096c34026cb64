import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// The native-TensorFlow tests only (`test:native`): they need @tensorflow/tfjs-node(-gpu) installed.
export default mergeConfig(shared, defineConfig({ test: { include: ['tests/native/*.native.ts'] } }));
