/**
 * The clock skew tolerated around a service-account token's `nbf`, `iat` and `exp`: go-jose's
 * `jwt.DefaultLeeway`, which pkg/serviceaccount/claims.go validates with. A token is accepted
 * up to 60 s past its `exp`, so everything that decides how long a token lives (the validator,
 * the review cache, the binding registry's expiry) waits this long too.
 * @example
 * const expired = nowSeconds - LEEWAY_SECONDS > exp;
 */
export const LEEWAY_SECONDS = 60;
