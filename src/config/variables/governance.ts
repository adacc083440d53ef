import { z } from "zod";
import { env, variable } from "../variable.ts";

const priceTable = z
  .string()
  .transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: "custom", message: "expected JSON" });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(
      z.string(),
      z.object({
        input: z.number().min(0),
        output: z.number().min(0),
        cachedInput: z.number().min(0).optional(),
      }),
    ),
  );

export const governanceVariables = {
  USER_DAILY_TOKEN_BUDGET: variable(env.int(1).optional(), {
    description:
      "Tokens one user may spend per UTC day; past it the bot refuses politely. Unlimited when unset.",
  }),
  WORKSPACE_DAILY_TOKEN_BUDGET: variable(env.int(1).optional(), {
    description:
      "Tokens one workspace/guild may spend per UTC day; warnings at 80 % and 100 %. Unlimited when unset.",
  }),
  USER_RATE_LIMIT_PER_MINUTE: variable(env.int(1).optional(), {
    description: "Questions one user may ask per minute; one friendly notice per minute beyond it.",
  }),
  ADMIN_CHANNEL_ID: variable(env.list().default([]), {
    description: "Channel id(s) where budget warnings are posted (a Discord and/or a Slack channel).",
  }),
  ADMIN_USER_IDS: variable(env.list().default([]), {
    description:
      "User ids allowed to use admin commands (besides Discord members with Manage Server and Slack workspace admins).",
  }),
  ALLOWED_WORKSPACE_IDS: variable(env.list().default([]), {
    description: "Only these guild/team ids are served; all when empty.",
  }),
  ALLOWED_CHANNEL_IDS: variable(env.list().default([]), {
    description: "Only these channel ids are served (DMs are governed by DMS_ENABLED); all when empty.",
  }),
  ALLOWED_USER_IDS: variable(env.list().default([]), {
    description: "Only these user ids are served; all when empty.",
  }),
  BLOCKED_USER_IDS: variable(env.list().default([]), { description: "These user ids are never served." }),
  ALLOWED_DISCORD_ROLE_IDS: variable(env.list().default([]), {
    description: "On Discord servers, only members with one of these roles are served; all when empty.",
  }),
  DMS_ENABLED: variable(env.bool().default(true), { description: "Answer direct messages." }),
  MODEL_PRICES: variable(priceTable.optional(), {
    description:
      'Price table override, USD per million tokens, e.g. {"my-model":{"input":0.5,"output":1.5,"cachedInput":0.1}}; wins over the prices the @pydantic/genai-prices package ships. cachedInput defaults to input.',
  }),
};
