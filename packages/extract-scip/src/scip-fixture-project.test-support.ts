import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * A tiny multi-package Python project for tests that run scip-python:
 * inheritance and overrides (relationships), a cross-package import, and a
 * module whose identifiers follow accented, CJK and astral (emoji, and
 * 𝔘, which Python normalises to U) characters on their lines. `bom.py`
 * opens with a UTF-8 byte order mark and ends its lines with CRLF.
 */
export const FIXTURE_PROJECT: Readonly<Record<string, string | Uint8Array>> = Object.freeze({
  'pkg_a/__init__.py': 'from .shapes import Shape, Circle\n',
  'pkg_a/shapes.py': [
    '"""Shapes."""',
    '',
    '',
    'class Shape:',
    '    """A shape."""',
    '',
    '    def area(self) -> float:',
    '        return 0.0',
    '',
    '',
    'class Circle(Shape):',
    '    def __init__(self, r: float) -> None:',
    '        self.r = r',
    '',
    '    def area(self) -> float:',
    '        return 3.14 * self.r * self.r',
    '',
  ].join('\n'),
  'pkg_b/__init__.py': '',
  'pkg_b/use.py': [
    '# café — 日本語 — 🎉',
    'from pkg_a.shapes import Circle',
    '',
    'é = "ü"; 日本 = Circle(1.0); x = "🎉🎉"; y = x',
    'def naïve(c: Circle) -> float: return c.area()  # ü',
    's = "🎉"; t = naïve(日本); 𝔘 = 1',
    '',
  ].join('\n'),
  'pkg_b/bom.py': Buffer.from('\ufeffbé = "日"; a = bé\r\nb = a\r\n', 'utf8'),
  'ignored/extra.py': 'from pkg_b.use import naïve\n',
});

/** Writes a file tree under a directory. */
export async function writeTree(root: string, files: Readonly<Record<string, string | Uint8Array>>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}
