import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// These tests build whole CPGs, often in a CLI process of their own and several times over; each build plans every
// view of the python-cpg program. On a loaded machine that takes well over the shared minute.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 180_000, hookTimeout: 180_000 } }));
