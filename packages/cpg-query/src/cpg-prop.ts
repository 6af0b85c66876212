import { z } from 'zod';

/** Which value column of a `cpg.props` row holds the value. */
export const PropValueTypeSchema = z.enum(['string', 'int', 'float', 'bool']);
export type PropValueType = z.infer<typeof PropValueTypeSchema>;

const VALUE_COLUMN = {
  string: 'value_string',
  int: 'value_int',
  float: 'value_float',
  bool: 'value_bool',
} as const satisfies Record<PropValueType, string>;

/**
 * One row of `cpg.props`: a single typed property of a node or an edge. The
 * columns are those of `cpgPropsDataset`; the schema adds the rule that the
 * column named by `value_type` holds the value and the other three are NULL.
 * `file_id` is the owning file of the entity, NULL for an entity of no file.
 *
 * @example
 * CpgPropSchema.parse({ entity_id: 'def:…', prop_key: 'def_kind', value_type: 'string',
 *   value_string: 'class', value_int: null, value_float: null, value_bool: null, file_id: 'file:…' });
 */
export const CpgPropSchema = z
  .object({
    entity_id: z.string().min(1),
    prop_key: z.string().min(1),
    value_type: PropValueTypeSchema,
    value_string: z.string().nullable(),
    value_int: z.bigint().nullable(),
    value_float: z.number().nullable(),
    value_bool: z.boolean().nullable(),
    file_id: z.string().min(1).nullable(),
  })
  .superRefine((prop, ctx) => {
    const holder = VALUE_COLUMN[prop.value_type];
    for (const column of Object.values(VALUE_COLUMN)) {
      const isNull = prop[column] === null;
      if (column === holder && isNull) {
        ctx.addIssue({ code: 'custom', path: [column], message: `value_type '${prop.value_type}' puts the value in ${column}, which is NULL` });
      } else if (column !== holder && !isNull) {
        ctx.addIssue({ code: 'custom', path: [column], message: `must be NULL when value_type is '${prop.value_type}'` });
      }
    }
  });
export type CpgProp = z.infer<typeof CpgPropSchema>;
