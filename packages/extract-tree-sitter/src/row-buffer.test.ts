import { describe, expect, it } from 'vitest';
import { RowBuffer } from './row-buffer.js';
import { tsAttributesDataset, tsRefsDataset } from './tree-sitter-datasets.js';
import type { TsRefRow } from './tree-sitter-datasets.js';

describe('RowBuffer', () => {
  it('splits each row into its dataset’s columns, in declaration order, whatever order the row was written in', () => {
    const refs = new RowBuffer<TsRefRow>(tsRefsDataset);
    refs.append({ file_id: 'file:a', name: 'x', ctx: 'store', binder: 'assignment', bstart: 0, bend: 1, line: 1, col: 0, def_bstart: null });
    // The same fields in another order: columns are taken by name.
    refs.append({ def_bstart: 4, col: 8, line: 2, bend: 13, bstart: 12, binder: null, ctx: 'load', name: 'y', file_id: 'file:a' });
    expect(refs.rowCount).toBe(2);
    const columns = refs.take();
    expect(Object.keys(columns)).toEqual(tsRefsDataset.columns.map((c) => c.name));
    expect(columns).toEqual({
      file_id: ['file:a', 'file:a'],
      name: ['x', 'y'],
      ctx: ['store', 'load'],
      binder: ['assignment', null],
      bstart: [0, 12],
      bend: [1, 13],
      line: [1, 2],
      col: [0, 8],
      def_bstart: [null, 4],
    });
    expect(refs.rowCount).toBe(0);
  });

  it('keeps each dataset’s columns apart, drops a failed file’s rows and validates what it hands over', () => {
    const refs = new RowBuffer<TsRefRow>(tsRefsDataset);
    const attributes = new RowBuffer(tsAttributesDataset);
    refs.append({ file_id: 'file:a', name: 'x', ctx: 'load', binder: null, bstart: 0, bend: 1, line: 1, col: 0, def_bstart: null });
    // Another dataset's row, of other columns, between two of this one: each buffer splits by its own columns.
    const attribute = {
      file_id: 'file:a', attr: 'y', ctx: 'load', bstart: 2, bend: 5, line: 1, col: 2,
      attr_bstart: 4, attr_bend: 5, object_bstart: 2, object_bend: 3, object_text: 'x', dotted: 'x.y', def_bstart: null,
    } as const;
    attributes.append(attribute);
    refs.append({ file_id: 'file:b', name: 'z', ctx: 'load', binder: null, bstart: 5, bend: 6, line: 3, col: 1, def_bstart: null });
    expect(attributes.take()).toEqual(Object.fromEntries(tsAttributesDataset.columns.map((c) => [c.name, [attribute[c.name as keyof typeof attribute]]])));
    refs.truncate(1);
    const batch = refs.toBatch();
    expect(batch.rowCount).toBe(1);
    expect(batch.columns['name']).toEqual(['x']);
    // A row missing a declared column leaves a hole the batch refuses.
    refs.append({ file_id: 'file:a', name: 'x', ctx: 'load', binder: null, bstart: 0, bend: 1, line: 1, col: 0 } as unknown as TsRefRow);
    expect(() => refs.toBatch()).toThrow(/def_bstart/);
  });
});
