export { StatusError, isStatusError, qualifiedResource } from './status-error.js';
export type { Status, StatusReason, StatusDetails, StatusCause } from './status-error.js';
export { FieldError, formatValue, required, invalid, forbidden, notSupported, duplicate } from './field-error.js';
export type { FieldErrorType } from './field-error.js';
export { errors } from './errors.js';
export { SatokenError, SatokenRangeError, SatokenTypeError, errorCodeOf } from './error-codes.js';
export { statusErrorCode } from './status-error.js';
export type { LibraryErrorCode, SatokenErrorCode, StatusErrorCode } from './error-codes.js';
