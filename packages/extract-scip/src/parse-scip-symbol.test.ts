import { describe, expect, it } from 'vitest';
import { parseScipSymbol } from './parse-scip-symbol.js';

const last = (symbol: string): unknown => {
  const parsed = parseScipSymbol(symbol);
  return parsed?.kind === 'global' ? parsed.descriptors[parsed.descriptors.length - 1] : parsed;
};

describe('parseScipSymbol', () => {
  it('takes apart the symbols scip-python writes', () => {
    expect(parseScipSymbol('scip-python python demo 0.1 `pkg_a.shapes`/Circle#area().(self)')).toEqual({
      kind: 'global',
      scheme: 'scip-python',
      manager: 'python',
      packageName: 'demo',
      packageVersion: '0.1',
      descriptors: [
        { name: 'pkg_a.shapes', suffix: 'namespace', disambiguator: '' },
        { name: 'Circle', suffix: 'type', disambiguator: '' },
        { name: 'area', suffix: 'method', disambiguator: '' },
        { name: 'self', suffix: 'parameter', disambiguator: '' },
      ],
    });
    expect(last('scip-python python python-stdlib 3.11 builtins/float#')).toEqual({ name: 'float', suffix: 'type', disambiguator: '' });
    expect(last('scip-python python demo . pkg/__init__:')).toEqual({ name: '__init__', suffix: 'meta', disambiguator: '' });
    expect(last('scip-python python demo 0.1 `pkg_b.use`/`naïve`().')).toEqual({ name: 'naïve', suffix: 'method', disambiguator: '' });
    expect(last('scip-python python demo 0.1 `pkg_b.use`/`日本`.')).toEqual({ name: '日本', suffix: 'term', disambiguator: '' });
  });

  it('reads placeholders, doubled spaces and backquotes, disambiguators, type parameters and macros', () => {
    expect(parseScipSymbol('scheme . . . a/')).toMatchObject({ manager: null, packageName: null, packageVersion: null });
    expect(parseScipSymbol('my  scheme npm my  pkg 1.0 a/')).toMatchObject({ scheme: 'my scheme', packageName: 'my pkg' });
    expect(last('s m p v `a``b`#')).toEqual({ name: 'a`b', suffix: 'type', disambiguator: '' });
    expect(last('s m p v T#f(+1).')).toEqual({ name: 'f', suffix: 'method', disambiguator: '+1' });
    expect(last('s m p v T#[U]')).toEqual({ name: 'U', suffix: 'type-parameter', disambiguator: '' });
    expect(last('s m p v m!')).toEqual({ name: 'm', suffix: 'macro', disambiguator: '' });
  });

  it('reads local symbols', () => {
    expect(parseScipSymbol('local 12')).toEqual({ kind: 'local', localId: '12' });
  });

  it.each([
    ['an empty string', ''],
    ['a local symbol without id', 'local '],
    ['a header without descriptors', 'scip-python python demo 0.1 '],
    ['a missing header field', 'scip-python python demo'],
    ['a descriptor without suffix', 'scip-python python demo 0.1 name'],
    ['an unclosed backquote', 'scip-python python demo 0.1 `name'],
    ['an unclosed parameter', 'scip-python python demo 0.1 f().(x'],
    ['a method without its final dot', 'scip-python python demo 0.1 f()'],
  ])('returns null for %s', (_label, symbol) => {
    expect(parseScipSymbol(symbol)).toBeNull();
  });
});
