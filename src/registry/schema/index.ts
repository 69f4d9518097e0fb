export { KindSchemas, type KindSchemaDefinition, type StructSchema } from './kind-schemas.js';
export { decodeStrict, goTypeOf, GoDecodeError, MAX_FREE_FORM_DEPTH, type DecodeOptions, type StrictDecodeResult } from './strict-decoder.js';
export { decodeObject, cannotBeHandled, unrecognized, strictDecodingError, strictWarnings, type DecodedObject, type DecodeObjectInput, type FieldValidation } from './decode-object.js';
export { validateWriteOptions, writeOptionsFromQuery, type OptionsKind, type QueryValues, type WriteOptions } from './request-options.js';
export { canonicalBase64, parseGoTime, parseQuantity, GoValueError } from './go-values.js';
