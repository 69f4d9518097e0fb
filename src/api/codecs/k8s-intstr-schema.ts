import { converted, f } from './proto-schema.js';

/*
 * apimachinery's two scalar-like messages whose JSON is not their proto shape.
 */

/**
 * intstr.IntOrString (util/intstr/generated.proto: 1 type, 2 intVal, 3 strVal): a number when
 * `type` is 0, a string when it is 1.
 *
 * @example
 * INT_OR_STRING.convert!({ intVal: 8080 }); // 8080
 */
export const INT_OR_STRING = converted('IntOrString', [f.str('type', 1, 'int64'), f.str('intVal', 2, 'int32'), f.str('strVal', 3)], (r) => (r.type === 1 ? (r.strVal ?? '') : (r.intVal ?? 0)));

/**
 * resource.Quantity (api/resource/generated.proto: 1 string): its string form.
 *
 * @example
 * QUANTITY.convert!({ string: '500m' }); // '500m'
 */
export const QUANTITY = converted('Quantity', [f.str('string', 1)], (r) => r.string ?? '');
