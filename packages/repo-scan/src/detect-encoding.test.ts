import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { detectEncoding } from './detect-encoding.js';

const BOM = '\ufeff';

const heads: readonly string[] = [
  '',
  'x = 1\n',
  '# -*- coding: latin-1 -*-\n',
  '# -*- coding: Latin-1 -*-\r\nx = 1\r\n',
  '#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\n',
  '\n# coding=utf8\n',
  '\t\f # coding: euc-jp\n',
  'x = 1\n# coding: latin-1\n',
  '# first\n# second\n# coding: latin-1\n',
  '#!/usr/bin/python\r# coding: koi8-r\r',
  '# coding: UTF-8-unix\n',
  '# coding: iso_8859_1\n',
  '# coding: ISO-8859-15\n',
  `${BOM}x = 1\n`,
  `${BOM}# coding: utf-8\n`,
  '"""# coding: latin-1"""\n',
];

describe('detectEncoding', () => {
  it("reads BOMs and coding cookies as Python's tokenize does (lower-cased)", () => {
    const script = [
      'import io, json, sys, tokenize',
      'print(json.dumps([tokenize.detect_encoding(io.BytesIO(h.encode("utf-8")).readline)[0] for h in json.load(sys.stdin)]))',
    ].join('\n');
    const python = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(heads) }).toString()) as string[];
    expect(heads.map((h) => detectEncoding(Buffer.from(h, 'utf8')).encoding)).toEqual(python.map((e) => e.toLowerCase()));
  });

  it('normalises the spellings of UTF-8 and Latin-1', () => {
    expect(detectEncoding(Buffer.from('# coding: UTF8\n')).encoding).toBe('utf8');
    expect(detectEncoding(Buffer.from('# coding: UTF_8\n')).encoding).toBe('utf-8');
    expect(detectEncoding(Buffer.from('# coding: Latin-1\n')).encoding).toBe('iso-8859-1');
    expect(detectEncoding(Buffer.from('# coding: CP1252\n')).cookie).toBe('CP1252');
  });

  it('reports a byte order mark that contradicts the cookie', () => {
    const d = detectEncoding(Buffer.from(`${BOM}# coding: latin-1\n`, 'utf8'));
    expect(d).toEqual({ encoding: 'utf-8-sig', bomLength: 3, cookie: 'latin-1', conflict: true });
    expect(detectEncoding(Buffer.from(`${BOM}# coding: utf-8\n`, 'utf8')).conflict).toBe(false);
  });
});
