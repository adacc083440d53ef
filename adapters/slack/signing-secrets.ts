/**
 * `SLACK_SIGNING_SECRET` may hold two comma-separated secrets while Slack rotates them (the old one
 * keeps signing until the app's settings switch over); requests signed with either are Slack's.
 */
export function signingSecretsOf(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((secret) => secret.trim())
    .filter(Boolean);
}
