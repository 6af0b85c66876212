import { openStore } from '@anatomy/store';
import { describe, expect, it } from 'vitest';
import { CapabilitySnapshotSchema, captureCapabilities } from './capability-snapshot.js';
import { PlanSignalsError } from './plan-signals-error.js';

describe('captureCapabilities', () => {
  it('records the version, function names, loaded extensions and the settings that matter', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      const caps = await captureCapabilities(store);
      expect(CapabilitySnapshotSchema.parse(caps)).toEqual(caps);
      expect(caps.duckdbVersion).toMatch(/^v1\.5\./);
      expect(caps.functions.names).toContain('json_serialize_sql');
      expect(caps.functions.names).toContain('anatomy_stable_id');
      expect(caps.functions.count).toBe(caps.functions.names.length);
      expect([...caps.functions.names].sort()).toEqual(caps.functions.names);
      expect(new Set(caps.functions.names).size).toBe(caps.functions.count);
      expect(caps.extensions.map((e) => e.name)).toContain('json');
      expect(Object.keys(caps.settings)).toEqual(expect.arrayContaining(['threads', 'memory_limit', 'preserve_insertion_order']));
      expect(Object.isFrozen(caps.functions.names)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('changes the capability fingerprint when a function appears, the settings fingerprint when a setting changes', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      const before = await captureCapabilities(store);
      expect((await captureCapabilities(store)).fingerprint).toBe(before.fingerprint);
      await store.run('CREATE MACRO twice(x) AS 2 * x');
      const withMacro = await captureCapabilities(store);
      expect(withMacro.functions.names).toContain('twice');
      expect(withMacro.fingerprint).not.toBe(before.fingerprint);
      expect(withMacro.settingsFingerprint).toBe(before.settingsFingerprint);
      await store.run("SET default_order = 'DESC'");
      const reordered = await captureCapabilities(store);
      expect(reordered.settings['default_order']).toBe('DESC');
      expect(reordered.settingsFingerprint).not.toBe(withMacro.settingsFingerprint);
      expect(reordered.fingerprint).toBe(withMacro.fingerprint);
    } finally {
      await store.close();
    }
  });

  it('fails with CatalogFailed on a closed store', async () => {
    const store = await openStore({ path: ':memory:' });
    await store.close();
    const error = await captureCapabilities(store).catch((e: unknown) => e);
    expect(PlanSignalsError.is(error, 'CatalogFailed')).toBe(true);
  });
});
