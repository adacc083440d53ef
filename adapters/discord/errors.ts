import { DiscordAPIError, HTTPError, RESTJSONErrorCodes } from "discord.js";

/** Thrown by `start` when the bot cannot connect; the message says what to fix. */
export class DiscordStartError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DiscordStartError";
  }
}

/** Codes that mean "the bot may not do this here": logged with the channel and skipped. */
const PERMISSION_CODES = new Set<number | string>([
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.CannotSendMessagesToThisUser,
  RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel,
  RESTJSONErrorCodes.ThreadLocked,
]);

export function isMissingPermission(error: unknown): boolean {
  return error instanceof DiscordAPIError && PERMISSION_CODES.has(error.code);
}

/**
 * A log-safe summary of a failure. discord.js errors carry the request body (message text) and the
 * URL (interaction tokens live in webhook URLs), so they are never logged whole.
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof DiscordAPIError) {
    return {
      name: error.name,
      status: error.status,
      code: error.code,
      method: error.method,
      message: error.message,
    };
  }
  if (error instanceof HTTPError) {
    return { name: error.name, status: error.status, method: error.method, message: error.message };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: typeof error, message: String(error) };
}
