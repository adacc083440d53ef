/** Base of the errors the Slack adapter raises on its own account. */
export class SlackAdapterError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The environment does not describe a usable Slack app (e.g. a bot token without a signing secret). */
export class SlackConfigError extends SlackAdapterError {}

/** Slack rejected a token at startup; `variable` names the one to fix, `code` is Slack's error code. */
export class SlackAuthError extends SlackAdapterError {
  constructor(
    readonly variable: "SLACK_BOT_TOKEN" | "SLACK_APP_TOKEN",
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(
      `Slack rejected ${variable} (${code}). ${
        variable === "SLACK_BOT_TOKEN"
          ? "Use the app's Bot User OAuth Token (xoxb-…) from OAuth & Permissions, and reinstall the app if it was revoked."
          : "Use an app-level token (xapp-…) with the connections:write scope from Basic Information > App-Level Tokens."
      }`,
      options,
    );
  }
}

/** Slack could not be reached or the app could not start listening (port in use, network down). */
export class SlackStartError extends SlackAdapterError {}

/** Slack error codes that mean the token itself is bad, not that Slack is having trouble. */
export const tokenErrorCodes = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "not_allowed_token_type",
  "invalid_token",
]);

/** Slack's error code of a failed Web API call (`ok: false`), if that is what `error` is. */
export function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === "string" ? data.error : undefined;
}

/** Just the code and message: Web API errors carry request details that do not belong in a log. */
export function errorSummary(error: unknown): { code?: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { ...(typeof code === "string" ? { code } : {}), message: error.message };
  }
  return { message: String(error) };
}
