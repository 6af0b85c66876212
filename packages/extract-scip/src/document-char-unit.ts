import { POSITION_ENCODING_NAMES } from './scip-enums.js';
import type { CharUnit } from './scip-enums.js';

/**
 * Indexers that leave `position_encoding` unspecified, and the unit they
 * actually count in. scip-python is pyright, whose offsets index JavaScript
 * strings (UTF-16 code units); the same holds for the other indexers written
 * for JavaScript, the JVM and .NET. Measured for scip-python 0.6.6 on a file
 * with astral characters before identifiers (see the extractor's tests).
 */
const UNDECLARED_UNIT_BY_TOOL: Readonly<Record<string, CharUnit>> = Object.freeze({
  'scip-python': 'utf16',
  'scip-typescript': 'utf16',
  'scip-java': 'utf16',
  'scip-dotnet': 'utf16',
  'rust-analyzer': 'utf8',
  'scip-go': 'utf8',
  'scip-clang': 'utf8',
});

/**
 * The unit in which a document's characters are counted: the encoding the
 * document declares, else the one its indexer is known to use, else UTF-16,
 * the unit of LSP from which SCIP's positions descend.
 *
 * @example
 * documentCharUnit(0, 'scip-python'); // 'utf16'
 * documentCharUnit(1, 'anything'); // 'utf8'
 */
export function documentCharUnit(positionEncoding: number, toolName: string): CharUnit {
  const declared = POSITION_ENCODING_NAMES[positionEncoding];
  if (declared !== undefined && declared !== 'unspecified') return declared;
  return UNDECLARED_UNIT_BY_TOOL[toolName] ?? 'utf16';
}
