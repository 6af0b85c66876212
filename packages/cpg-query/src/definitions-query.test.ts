import { describe, expect, it } from 'vitest';
import { definitionsQuery } from './definitions-query.js';

describe('definitionsQuery', () => {
  it('binds every value and keeps it out of the SQL text', () => {
    const hostile = "x' OR '1'='1";
    const query = definitionsQuery({ name: hostile, path: "it's/日本.py", kind: 'class' });
    expect(query.params).toEqual({ name: hostile, path: "it's/日本.py", kind: 'class' });
    expect(query.sql).not.toContain(hostile);
    expect(query.sql).not.toContain('日本');
    expect(query.sql).toContain('n."name" = $name AND n."path" = $path AND EXISTS');
  });

  it('asks only for DEF nodes when there is no filter, in a stable order', () => {
    const query = definitionsQuery({});
    expect(query.params).toEqual({});
    expect(query.sql).toBe(
      'SELECT "n"."node_id", "n"."node_kind", "n"."name", "n"."file_id", "n"."path", "n"."bstart", "n"."bend", "n"."line", "n"."col", "n"."origin" ' +
        `FROM "cpg"."nodes" AS n WHERE n."node_kind" = 'DEF' ORDER BY n."path", n."bstart", n."node_id"`,
    );
  });
});
