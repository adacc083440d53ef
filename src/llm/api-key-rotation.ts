import type { Logger } from "../observability/logger.ts";
import type { RotatableSecret } from "../secrets/secret-reloader.ts";
import type { OpenAiChatClient } from "./openai-client.ts";

/** OPENAI_API_KEY as a secret the running bot swaps: checked with a models list, then used for new attempts. */
export function apiKeyRotation(client: OpenAiChatClient, logger: Logger): RotatableSecret {
  return {
    name: "OPENAI_API_KEY",
    validate: async (key) => {
      if ((await client.checkApiKey(key)) === "unverifiable") {
        logger.warn("the endpoint lists no models, so the new key could not be checked before use");
      }
    },
    apply: (key) => client.useApiKey(key),
  };
}
