import { openStore } from "@anatomy/store";
import type { Store } from "@anatomy/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deserializedSql, fileFilteredSql } from "./file-filtered-sql.js";
import { recordingQueries } from "./recording-store.test-support.js";

let store: Store;

beforeAll(async () => {
  store = await openStore({ path: ":memory:" });
  await store.run("CREATE SCHEMA ev");
  await store.run(
    `CREATE TABLE ev.defs AS SELECT 'f' || (i % 4) AS file_id, 'd' || i AS def_id, 'n' || (i % 13) AS name FROM range(200) r(i)`
  );
  // Refs name their file, and a def of the same file by its id; some have no file at all.
  await store.run(
    `CREATE TABLE ev.refs AS SELECT CASE WHEN i % 17 = 0 THEN NULL ELSE 'f' || (i % 4) END AS file_id, 'r' || i AS ref_id, 'd' || (i % 200) AS def_id FROM range(300) r(i)`
  );
  await store.run(
    `CREATE TABLE ev.lookup AS SELECT 'n' || i AS name, i AS weight FROM range(13) r(i)`
  );
});

afterAll(async () => {
  await store.close();
});

/** A file-local view: joins on ids within one file, a window per file, a CTE named like a table, an anti-join. */
const VIEW = `
WITH "defs" AS (SELECT * FROM "ev"."defs" WHERE name <> 'n0')
SELECT r.file_id, r.ref_id, d.def_id, l.weight,
       count(*) OVER (PARTITION BY r.file_id) AS per_file
  FROM "ev"."refs" AS r
  JOIN "defs" AS d ON d.def_id = r.def_id AND d.file_id = r.file_id
  LEFT JOIN "ev"."lookup" l ON l.name = d.name
 WHERE NOT EXISTS (SELECT 1 FROM "ev"."defs" AS x WHERE x.def_id = r.def_id AND x.file_id = r.file_id AND x.name = 'n5')
`;
const COLUMNS = new Map([
  ["ev.defs", "file_id"],
  ["ev.refs", "file_id"],
]);

async function rows(sql: string, files: readonly string[]): Promise<string[]> {
  const list = files.map((f) => `'${f}'`).join(", ");
  const result = await store.query(
    `SELECT * FROM (${sql}) AS v WHERE file_id IN (${list}) ORDER BY ALL`
  );
  return result.map((r) =>
    JSON.stringify(r, (_key, value: unknown) =>
      typeof value === "bigint" ? value.toString() : value
    )
  );
}

describe("fileFilteredSql", () => {
  it("limits every read of a relation with a file column to the files, and leaves CTEs and other relations alone", async () => {
    const sql = await fileFilteredSql(store, VIEW, COLUMNS, ["f1"]);
    expect(sql).not.toBe(VIEW);
    // The two reads of ev.defs (the CTE's and the anti-join's) and the one of ev.refs.
    expect(sql.match(/IN \('f1'\)/g)).toHaveLength(3);
    expect(sql).toContain("lookup");
    expect(sql).not.toMatch(/lookup[^)]*IN \('f1'\)/);
  });

  it("gives the rows of the chosen files exactly as the unlimited SQL does", async () => {
    for (const files of [["f0"], ["f1", "f3"], ["f2"], ["f9"]]) {
      const limited = await fileFilteredSql(store, VIEW, COLUMNS, files);
      expect(await rows(limited, files)).toEqual(await rows(VIEW, files));
    }
    expect((await rows(VIEW, ["f1"])).length).toBeGreaterThan(10);
  });

  it("reads a file-local view kept inline as its own SQL with its inputs limited, giving the same rows", async () => {
    await store.run(`CREATE OR REPLACE VIEW ev.inline_refs AS ${VIEW}`);
    const reader =
      'SELECT v.file_id, v.ref_id, d.name, count(*) OVER (PARTITION BY v.file_id) AS n FROM "ev"."inline_refs" AS v JOIN "ev"."defs" AS d ON d.file_id = v.file_id AND d.def_id = v.def_id';
    const columns = new Map([...COLUMNS, ["ev.inline_refs", "file_id"]]);
    const inline = new Map([["ev.inline_refs", VIEW]]);
    const tally = { limited: 0, inlined: 0 };
    const expanded = await fileFilteredSql(store, reader, columns, ["f1"], { inline, tally });
    // The view's three limited reads, the reader's own read of ev.defs, and the limit on the view's rows.
    expect(expanded).not.toContain("inline_refs");
    expect(expanded.match(/IN \('f1'\)/g)).toHaveLength(5);
    // The tally counts the reader's own reads: ev.inline_refs (read as its SQL) and ev.defs.
    expect(tally).toEqual({ limited: 2, inlined: 1 });
    // Without its SQL, the view is read by name and limited as a whole.
    expect(await fileFilteredSql(store, reader, columns, ["f1"])).toContain("inline_refs");
    for (const files of [["f0"], ["f1", "f3"], ["f9"]]) {
      expect(await rows(await fileFilteredSql(store, reader, columns, files, { inline }), files)).toEqual(await rows(reader, files));
    }
    expect((await rows(reader, ["f1"])).length).toBeGreaterThan(10);
  });

  it("reads a table stored in file order without scanning the other files' row groups", async () => {
    // 600,000 rows of 40 files, stored in file order (five row groups of DuckDB's 122,880 rows).
    await store.materialize({
      name: "ev.big",
      sql: `SELECT 'g' || lpad(CAST((i * 7) % 40 AS VARCHAR), 3, '0') AS file_id, i AS n FROM range(600000) r(i)`,
      as: "table",
      clusterBy: "file_id",
    });
    const view = 'SELECT b.file_id, count(*) AS rows, sum(b.n) AS total FROM "ev"."big" AS b GROUP BY ALL';
    const limited = await fileFilteredSql(store, view, new Map([["ev.big", "file_id"]]), ["g007"]);
    const plan = await store.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${limited}`);
    const scanned = (node: { operator_rows_scanned?: number; children?: unknown[] }): number =>
      (node.operator_rows_scanned ?? 0) + (node.children ?? []).reduce<number>((sum, child) => sum + scanned(child as typeof node), 0);
    // The file's row group or two; the read of rows of no file is ruled out by the table's statistics (it holds none).
    expect(scanned(JSON.parse(String(plan[0]?.["explain_value"])) as { children?: unknown[] })).toBeLessThanOrEqual(2 * 122880);
    expect(await rows(limited, ["g007"])).toEqual(await rows(view, ["g007"]));
  });

  it("reads a table whose file column cannot hold NULL with the file list alone, also while a transaction writes it", async () => {
    await store.run(`CREATE TABLE ev.owned (file_id VARCHAR NOT NULL, n BIGINT)`);
    await store.run(`INSERT INTO ev.owned SELECT 'h' || lpad(CAST(i // 15000 AS VARCHAR), 3, '0'), i FROM range(600000) r(i)`);
    const view = 'SELECT o.file_id, count(*) AS rows, sum(o.n) AS total FROM "ev"."owned" AS o GROUP BY ALL';
    const columns = new Map([["ev.owned", "file_id"]]);
    const scanned = async (sql: string): Promise<number> => {
      const plan = await store.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`);
      const walk = (node: { operator_rows_scanned?: number; children?: unknown[] }): number =>
        (node.operator_rows_scanned ?? 0) + (node.children ?? []).reduce<number>((sum, child) => sum + walk(child as typeof node), 0);
      return walk(JSON.parse(String(plan[0]?.["explain_value"])) as { children?: unknown[] });
    };
    const files = ["h007", "h047"];
    const both = await fileFilteredSql(store, view, columns, files);
    const alone = await fileFilteredSql(store, view, columns, files, { nullFree: new Set(["ev.owned"]) });
    expect(both).toMatch(/IS NULL/);
    expect(alone).not.toMatch(/IS NULL/);
    expect(alone.match(/"?owned"?/g)).toHaveLength(1);
    await store.transaction(async () => {
      // Rows written in the running transaction: the NULL test reads them all, the file list its own row groups.
      await store.run(`INSERT INTO ev.owned SELECT 'h' || lpad(CAST(i // 15000 AS VARCHAR), 3, '0'), i FROM range(600000, 1200000) r(i)`);
      expect(await rows(alone, files)).toEqual(await rows(view, files));
      expect(await rows(alone, files)).toHaveLength(2);
      expect(await scanned(alone)).toBeLessThan(await scanned(both));
    });
    await store.run("DROP TABLE ev.owned");
  });

  it("keeps the rows with no file, which any file may join", async () => {
    const sql =
      'SELECT d.file_id, count(r.ref_id) AS refs FROM "ev"."defs" AS d LEFT JOIN "ev"."refs" AS r ON r.def_id = d.def_id GROUP BY d.file_id';
    expect(
      await rows(await fileFilteredSql(store, sql, COLUMNS, ["f2"]), ["f2"])
    ).toEqual(await rows(sql, ["f2"]));
  });

  it("returns SQL DuckDB cannot parse, or that reads no relation with a file column, unchanged", async () => {
    expect(await fileFilteredSql(store, "SELEC oops", COLUMNS, ["f1"])).toBe(
      "SELEC oops"
    );
    const plain = 'SELECT name FROM "ev"."lookup"';
    expect(await fileFilteredSql(store, plain, COLUMNS, ["f1"])).toBe(plain);
  });

  it("parses one template for every limited read of a stored table, and takes a parse tree it is given without changing it", async () => {
    const { store: counting, queries } = recordingQueries(store);
    const serializing = (template: boolean): string[] =>
      queries.filter((q) => q.includes("json_serialize_sql") && q.includes("anatomy_template") === template);
    const parsed = JSON.parse(String((await store.query(`SELECT json_serialize_sql('${VIEW.replaceAll("'", "''")}') AS t`))[0]?.["t"])) as unknown;
    const before = JSON.stringify(parsed);
    const reads = new Map<string, unknown>();
    const first = await fileFilteredSql(counting, VIEW, COLUMNS, ["f1", "f3"], { reads, parseTree: parsed });
    // At most the template (once per process: an earlier test may have parsed it), then the rewritten tree back to SQL:
    // the view's own SQL was not parsed again.
    expect(serializing(true).length).toBeLessThanOrEqual(1);
    expect(serializing(false)).toEqual([]);
    expect(queries.filter((q) => q.includes("json_deserialize_sql"))).toHaveLength(1);
    expect(JSON.stringify(parsed)).toBe(before);
    expect(first).toBe(await fileFilteredSql(store, VIEW, COLUMNS, ["f1", "f3"]));
    expect(await rows(first, ["f1", "f3"])).toEqual(await rows(VIEW, ["f1", "f3"]));
    // The next build (reads of its own) parses no template: its tree is the same in every build.
    queries.length = 0;
    expect(await fileFilteredSql(counting, VIEW, COLUMNS, ["f1", "f3"], { reads: new Map(), parseTree: parsed })).toBe(first);
    expect(serializing(true)).toEqual([]);
    // Another view of the same build reuses the reads already limited; only its own SQL is parsed.
    await fileFilteredSql(counting, 'SELECT file_id, ref_id FROM "ev"."refs"', COLUMNS, ["f1", "f3"], { reads });
    expect(serializing(true)).toEqual([]);
    expect(serializing(false)).toHaveLength(1);
  });

  it("writes a tree back once per process when asked to keep its SQL, and every time otherwise", async () => {
    const { store: counting, queries } = recordingQueries(store);
    const deserializing = (): number => queries.filter((q) => q.includes("json_deserialize_sql")).length;
    const sql = "SELECT 'kept once' AS note, 40 + 2 AS answer";
    const tree = JSON.parse(String((await store.query(`SELECT json_serialize_sql('${sql.replaceAll("'", "''")}') AS t`))[0]?.["t"])) as unknown;
    const plain = await deserializedSql(counting, tree);
    await deserializedSql(counting, tree);
    expect(deserializing()).toBe(2);
    const kept = await deserializedSql(counting, tree, { keep: true });
    expect(kept).toBe(plain);
    expect(deserializing()).toBe(3);
    // Kept now: asked again, with or without keep, DuckDB is not asked.
    expect(await deserializedSql(counting, tree, { keep: true })).toBe(plain);
    expect(await deserializedSql(counting, tree)).toBe(plain);
    expect(deserializing()).toBe(3);
    expect(plain).toContain("kept once");
  });
});
