/**
 * "No raw-string artifact names anywhere" (ARCHITECTURE.md), checked over the
 * TypeScript sources of every package (packages/*\/src/**\/*.ts, tests
 * excluded). The rule, on the syntax tree:
 *
 * 1. The first argument of `encodeArtifact`, `decodeArtifact` and
 *    `artifactEntry` is a spec, never a string (literal, template or `+`
 *    concatenation, also when wrapped in `as`/`satisfies`/parentheses).
 * 2. No object literal has a `spec:` member whose value is a string.
 * 3. The entries given to `writeRunBundle` are never strings.
 * 4. Outside this package no string mentions `.msgpack`: bundle files are
 *    reached only through `readRunBundle`, never by their file names.
 *
 * Artifact names are written once, in `defineArtifact`, and travel as specs.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const PACKAGES_DIR = resolve(import.meta.dirname, '..', '..');
const SPEC_FIRST_CALLS = new Set(['encodeArtifact', 'decodeArtifact', 'artifactEntry']);

interface Violation {
  readonly file: string;
  readonly line: number;
  readonly rule: string;
}

function unwrap(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isNonNullExpression(current)) {
    current = current.expression;
  }
  return current;
}

function isStringLike(node: ts.Expression): boolean {
  const inner = unwrap(node);
  if (ts.isStringLiteral(inner) || ts.isNoSubstitutionTemplateLiteral(inner) || ts.isTemplateExpression(inner)) return true;
  return ts.isBinaryExpression(inner) && inner.operatorToken.kind === ts.SyntaxKind.PlusToken && (isStringLike(inner.left) || isStringLike(inner.right));
}

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) return node.text;
  return undefined;
}

/** Returns every breach of the rule in one source text. */
function checkSource(file: string, text: string, insideRegistry: boolean): Violation[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const violations: Violation[] = [];
  const report = (node: ts.Node, rule: string): void => {
    violations.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, rule });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      const first = node.arguments[0];
      if (name !== undefined && SPEC_FIRST_CALLS.has(name) && first !== undefined && isStringLike(first)) {
        report(node, `${name} takes an ArtifactSpec, not a string`);
      }
      const entries = node.arguments[2];
      if (name === 'writeRunBundle' && entries !== undefined) {
        const list = unwrap(entries);
        if (isStringLike(list) || (ts.isArrayLiteralExpression(list) && list.elements.some((e) => isStringLike(e)))) {
          report(node, 'writeRunBundle takes artifact entries, not strings');
        }
      }
    }
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === 'spec' && isStringLike(node.initializer)) {
      report(node, 'a spec member must hold an ArtifactSpec, not a string');
    }
    const text = literalText(node);
    if (!insideRegistry && text !== undefined && text.includes('.msgpack')) {
      report(node, 'bundle files are read through readRunBundle, not by file name');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return violations;
}

async function packageSources(): Promise<string[]> {
  const packages = await readdir(PACKAGES_DIR, { withFileTypes: true });
  const files: string[] = [];
  for (const pkg of packages.filter((p) => p.isDirectory())) {
    const src = join(PACKAGES_DIR, pkg.name, 'src');
    let entries: string[];
    try {
      entries = await readdir(src, { recursive: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.endsWith('.ts') && !entry.endsWith('.test.ts') && !entry.endsWith('.test-d.ts') && !entry.endsWith('.d.ts')) files.push(join(src, entry));
    }
  }
  return files.sort();
}

describe('artifact names travel as specs', () => {
  it('holds in the sources of every package', async () => {
    const files = await packageSources();
    expect(files).toContain(join(PACKAGES_DIR, 'artifact-registry', 'src', 'run-bundle.ts'));
    const violations: Violation[] = [];
    for (const file of files) {
      const insideRegistry = file.startsWith(join(PACKAGES_DIR, 'artifact-registry', 'src') + sep);
      violations.push(...checkSource(relative(PACKAGES_DIR, file), await readFile(file, 'utf8'), insideRegistry));
    }
    expect(violations.map((v) => `${v.file}:${v.line} ${v.rule}`)).toEqual([]);
  });

  it.each([
    ["encodeArtifact('execution-package', payload)", 'encodeArtifact takes'],
    ['decodeArtifact(`exec-${kind}`, bytes)', 'decodeArtifact takes'],
    ["registry.decodeArtifact(('a' + b) as never, bytes)", 'decodeArtifact takes'],
    ["artifactEntry('notes' as never, {})", 'artifactEntry takes'],
    ["writeRunBundle(dir, id, [{ spec: 'notes', payload: 1 }])", 'a spec member'],
    ["writeRunBundle(dir, id, ['notes'])", 'writeRunBundle takes'],
    ["readFile(join(dir, 'execution-package.msgpack'))", 'bundle files are read'],
    ['readFile(`${dir}/${name}.msgpack`)', 'bundle files are read'],
  ])('flags %s', (snippet, rule) => {
    const violations = checkSource('snippet.ts', snippet, false);
    expect(violations.map((v) => v.rule).join('\n')).toContain(rule);
  });

  it('accepts specs, and string arguments where no artifact is named', () => {
    const snippet = [
      "const spec = defineArtifact({ name: 'execution-package', version: 1, payload, description: 'd' });",
      'encodeArtifact(spec, payload);',
      'decodeArtifact(executionPackageArtifact, bytes);',
      "writeRunBundle('.anatomy/runs/run-1', 'run-1', [artifactEntry(spec, payload), { spec, payload }]);",
      "bundle.read(spec); log('wrote run bundle');",
    ].join('\n');
    expect(checkSource('snippet.ts', snippet, false)).toEqual([]);
  });
});
