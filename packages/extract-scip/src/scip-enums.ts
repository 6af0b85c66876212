/**
 * Names of the SCIP enum values that Anatomy stores as text, by number, as
 * scip.proto numbers them. A number missing here (an indexer newer than
 * this table) is stored as `'Kind<n>'`-style text rather than dropped.
 */

/** How a document counts characters within a line. */
export type CharUnit = 'utf8' | 'utf16' | 'utf32';

/** `PositionEncoding` as stored: the declared unit, or `'unspecified'`. */
export const POSITION_ENCODING_NAMES: Readonly<Record<number, CharUnit | 'unspecified'>> = Object.freeze({
  0: 'unspecified',
  1: 'utf8',
  2: 'utf16',
  3: 'utf32',
});

/** `Severity`. */
export const SEVERITY_NAMES: Readonly<Record<number, string>> = Object.freeze({
  0: 'unspecified',
  1: 'error',
  2: 'warning',
  3: 'information',
  4: 'hint',
});

/** `DiagnosticTag` numbers. */
export const DIAGNOSTIC_TAG = Object.freeze({ unnecessary: 1, deprecated: 2 } as const);

/** `SymbolInformation.Kind`, 0 (`UnspecifiedKind`) excluded. */
export const SYMBOL_KIND_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1: 'Array', 2: 'Assertion', 3: 'AssociatedType', 4: 'Attribute', 5: 'Axiom', 6: 'Boolean', 7: 'Class',
  8: 'Constant', 9: 'Constructor', 10: 'DataFamily', 11: 'Enum', 12: 'EnumMember', 13: 'Event', 14: 'Fact',
  15: 'Field', 16: 'File', 17: 'Function', 18: 'Getter', 19: 'Grammar', 20: 'Instance', 21: 'Interface',
  22: 'Key', 23: 'Lang', 24: 'Lemma', 25: 'Macro', 26: 'Method', 27: 'MethodReceiver', 28: 'Message',
  29: 'Module', 30: 'Namespace', 31: 'Null', 32: 'Number', 33: 'Object', 34: 'Operator', 35: 'Package',
  36: 'PackageObject', 37: 'Parameter', 38: 'ParameterLabel', 39: 'Pattern', 40: 'Predicate', 41: 'Property',
  42: 'Protocol', 43: 'Quasiquoter', 44: 'SelfParameter', 45: 'Setter', 46: 'Signature', 47: 'Subscript',
  48: 'String', 49: 'Struct', 50: 'Tactic', 51: 'Theorem', 52: 'ThisParameter', 53: 'Trait', 54: 'Type',
  55: 'TypeAlias', 56: 'TypeClass', 57: 'TypeFamily', 58: 'TypeParameter', 59: 'Union', 60: 'Value',
  61: 'Variable', 62: 'Contract', 63: 'Error', 64: 'Library', 65: 'Modifier', 66: 'AbstractMethod',
  67: 'MethodSpecification', 68: 'ProtocolMethod', 69: 'PureVirtualMethod', 70: 'TraitMethod',
  71: 'TypeClassMethod', 72: 'Accessor', 73: 'Delegate', 74: 'MethodAlias', 75: 'SingletonClass',
  76: 'SingletonMethod', 77: 'StaticDataMember', 78: 'StaticEvent', 79: 'StaticField', 80: 'StaticMethod',
  81: 'StaticProperty', 82: 'StaticVariable', 84: 'Extension', 85: 'Mixin', 86: 'Concept',
});

/** `SyntaxKind`, 0 (`UnspecifiedSyntaxKind`) excluded; aliases under their current names. */
export const SYNTAX_KIND_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1: 'Comment', 2: 'PunctuationDelimiter', 3: 'PunctuationBracket', 4: 'Keyword', 5: 'IdentifierOperator',
  6: 'Identifier', 7: 'IdentifierBuiltin', 8: 'IdentifierNull', 9: 'IdentifierConstant',
  10: 'IdentifierMutableGlobal', 11: 'IdentifierParameter', 12: 'IdentifierLocal', 13: 'IdentifierShadowed',
  14: 'IdentifierNamespace', 15: 'IdentifierFunction', 16: 'IdentifierFunctionDefinition', 17: 'IdentifierMacro',
  18: 'IdentifierMacroDefinition', 19: 'IdentifierType', 20: 'IdentifierBuiltinType', 21: 'IdentifierAttribute',
  22: 'RegexEscape', 23: 'RegexRepeated', 24: 'RegexWildcard', 25: 'RegexDelimiter', 26: 'RegexJoin',
  27: 'StringLiteral', 28: 'StringLiteralEscape', 29: 'StringLiteralSpecial', 30: 'StringLiteralKey',
  31: 'CharacterLiteral', 32: 'NumericLiteral', 33: 'BooleanLiteral', 34: 'Tag', 35: 'TagAttribute', 36: 'TagDelimiter',
});

/** The name of an enum value, or `<prefix><n>` for a number the table does not know; `null` for 0 (unspecified). */
export function enumName(names: Readonly<Record<number, string>>, prefix: string, value: number): string | null {
  if (value === 0) return null;
  return names[value] ?? `${prefix}${value}`;
}
