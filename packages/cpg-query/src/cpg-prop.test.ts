import { describe, expect, it } from 'vitest';
import { CpgPropSchema } from './cpg-prop.js';

const none = { value_string: null, value_int: null, value_float: null, value_bool: null, file_id: 'file:1' };

describe('CpgPropSchema', () => {
  it('accepts one value in the column its value_type names', () => {
    const rows = [
      { entity_id: 'def:1', prop_key: 'def_kind', value_type: 'string', ...none, value_string: 'async_function' },
      { entity_id: 'def:1', prop_key: 'name_bstart', value_type: 'int', ...none, value_int: 9_007_199_254_740_993n },
      { entity_id: 'edge:1', prop_key: 'weight', value_type: 'float', ...none, value_float: 0.25 },
      { entity_id: 'import:1', prop_key: 'is_star', value_type: 'bool', ...none, value_bool: false },
    ];
    for (const row of rows) expect(CpgPropSchema.parse(row)).toEqual(row);
  });

  it('names the empty holder and every other filled column', () => {
    const result = CpgPropSchema.safeParse({ entity_id: 'def:1', prop_key: 'level', value_type: 'int', ...none, value_string: '1', value_float: 1 });
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      "value_string: must be NULL when value_type is 'int'",
      "value_int: value_type 'int' puts the value in value_int, which is NULL",
      "value_float: must be NULL when value_type is 'int'",
    ]);
  });

  it('rejects an unknown value_type and an int given as a number', () => {
    expect(CpgPropSchema.safeParse({ entity_id: 'e', prop_key: 'k', value_type: 'json', ...none }).success).toBe(false);
    const lossy = CpgPropSchema.safeParse({ entity_id: 'e', prop_key: 'k', value_type: 'int', ...none, value_int: 3 });
    expect(lossy.error?.issues.map((i) => i.path.join('.'))).toEqual(['value_int']);
  });
});
