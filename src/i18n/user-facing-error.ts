/**
 * The short, fixed, localized texts a user may see instead of an answer: each code picks the catalog
 * entry `error.<code>`. Kept beside the catalogs so every layer (LLM client, governance, engine) can
 * name one without depending on the engine.
 */
export type UserFacingErrorCode =
  | "rate_limited"
  | "quota_exhausted"
  | "misconfigured"
  | "timed_out"
  | "too_long"
  | "unavailable"
  | "empty_question"
  | "internal"
  | "bad_request"
  | "content_filtered"
  | "provider_quota"
  | "access_denied"
  | "dms_disabled"
  | "user_budget"
  | "workspace_budget"
  | "slow_down"
  | "not_admin";
