import { calcPrice } from "@pydantic/genai-prices";

/** USD per million tokens. Estimates for reports; the provider's invoice is the truth. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Prompt tokens served from the provider's cache; `input` when unset. */
  cachedInput?: number | undefined;
}

/** What one answer used, as the provider reported it. */
export interface PricedUsage {
  promptTokens: number;
  completionTokens: number;
  /** Of `promptTokens`, those read from the provider's prompt cache. */
  cachedPromptTokens?: number | undefined;
}

/**
 * Prices per model: MODEL_PRICES first, then the prices maintained in @pydantic/genai-prices (with
 * cached-input prices, updated with each release of the package; no network at run time). Hidden
 * reasoning tokens are part of `completionTokens` and billed as output, as providers bill them.
 */
export class PriceTable {
  constructor(private readonly overrides: Record<string, ModelPrice> = {}) {}

  /** Cost in micro-dollars (integers add up exactly in counters); 0 for a model without a price. */
  costMicros(model: string, usage: PricedUsage): number {
    const cached = Math.min(usage.cachedPromptTokens ?? 0, usage.promptTokens);
    const override = this.overrides[model] ?? this.overrides[model.replace(/-\d{4}-\d{2}-\d{2}$/, "")];
    if (override) {
      return Math.round(
        (usage.promptTokens - cached) * override.input +
          cached * (override.cachedInput ?? override.input) +
          usage.completionTokens * override.output,
      );
    }
    const price = safeCalcPrice(model, usage.promptTokens, cached, usage.completionTokens);
    return price === undefined ? 0 : Math.round(price * 1_000_000);
  }
}

function safeCalcPrice(model: string, input: number, cached: number, output: number): number | undefined {
  try {
    // The package counts cache reads inside input_tokens, as OpenAI-compatible usage does.
    const result = calcPrice(
      { input_tokens: input, cache_read_tokens: cached, output_tokens: output },
      model,
    );
    return result?.total_price;
  } catch {
    return undefined;
  }
}

export function formatUsd(micros: number): string {
  const dollars = micros / 1_000_000;
  return dollars < 0.01 && dollars > 0 ? `$${dollars.toFixed(4)}` : `$${dollars.toFixed(2)}`;
}
