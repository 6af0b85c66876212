/**
 * The named node types of tree-sitter-python the evidence walks look at,
 * spelled as the grammar spells them. A grammar may give one name several
 * type ids (aliases such as the two `block`s or `lambda`s), so the walks
 * compare small codes from {@link SyntaxKind} instead of raw type ids.
 */
export const SYNTAX_KIND_NAMES = [
  'module',
  'function_definition',
  'class_definition',
  'decorated_definition',
  'decorator',
  'block',
  'global_statement',
  'nonlocal_statement',
  'identifier',
  'comment',
  'line_continuation',
  'ERROR',
  'expression_statement',
  'string',
  'concatenated_string',
  'parenthesized_expression',
  'call',
  'argument_list',
  'generator_expression',
  'keyword_argument',
  'dictionary_splat',
  'attribute',
  'subscript',
  'assignment',
  'augmented_assignment',
  'for_statement',
  'for_in_clause',
  'named_expression',
  'delete_statement',
  'as_pattern',
  'as_pattern_target',
  'with_item',
  'except_clause',
  'type_alias_statement',
  'type',
  'generic_type',
  'type_parameter',
  'constrained_type',
  'splat_type',
  'parameters',
  'lambda_parameters',
  'lambda',
  'default_parameter',
  'typed_parameter',
  'typed_default_parameter',
  'list_splat_pattern',
  'dictionary_splat_pattern',
  'positional_separator',
  'keyword_separator',
  'import_statement',
  'import_from_statement',
  'future_import_statement',
  'dotted_name',
  'aliased_import',
  'relative_import',
  'import_prefix',
  'wildcard_import',
  'case_pattern',
  'class_pattern',
  'keyword_pattern',
  'splat_pattern',
  'dict_pattern',
  'union_pattern',
  'tuple',
  'list',
  'pattern_list',
  'tuple_pattern',
  'list_pattern',
  'list_splat',
  'expression_list',
  'parenthesized_list_splat',
  'print_statement',
  'interpolation',
] as const;

/** One of {@link SYNTAX_KIND_NAMES}. */
export type SyntaxKindName = (typeof SYNTAX_KIND_NAMES)[number];

/**
 * Code of each kind: its position in {@link SYNTAX_KIND_NAMES} plus one, so
 * that 0 stands for every node type the walks do not distinguish.
 *
 * @example
 * grammar.kinds[cursor.nodeTypeId] === SyntaxKind.call;
 */
export const SyntaxKind: Readonly<Record<SyntaxKindName, number>> = Object.freeze(
  Object.fromEntries(SYNTAX_KIND_NAMES.map((name, i) => [name, i + 1])) as Record<SyntaxKindName, number>,
);

/** The field names the walks look at. */
export const SYNTAX_FIELD_NAMES = [
  'name',
  'body',
  'parameters',
  'type_parameters',
  'function',
  'arguments',
  'object',
  'attribute',
  'left',
  'right',
  'type',
  'value',
  'alias',
  'definition',
  'module_name',
  'key',
] as const;

/** One of {@link SYNTAX_FIELD_NAMES}. */
export type SyntaxFieldName = (typeof SYNTAX_FIELD_NAMES)[number];
