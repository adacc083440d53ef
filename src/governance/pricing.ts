/** USD per million tokens. Estimates for reports; the provider's invoice is the truth. */
export interface ModelPrice {
  input: number;
  output: number;
}

/** Public list prices of common models (late 2026); override or extend with MODEL_PRICES. */
export const defaultPrices: Record<string, ModelPrice> = {
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-5": { input: 1.25, output: 10 },
  "gpt-5-mini": { input: 0.25, output: 2 },
  "gpt-5-nano": { input: 0.05, output: 0.4 },
  "deepseek-chat": { input: 0.28, output: 0.42 },
};

export class PriceTable {
  private readonly prices: Record<string, ModelPrice>;

  constructor(overrides: Record<string, ModelPrice> = {}) {
    this.prices = { ...defaultPrices, ...overrides };
  }

  /** Cost in micro-dollars (integers add up exactly in counters); 0 for a model without a price. */
  costMicros(model: string, promptTokens: number, completionTokens: number): number {
    const price = this.prices[model] ?? this.prices[model.replace(/-\d{4}-\d{2}-\d{2}$/, "")];
    if (!price) return 0;
    return Math.round(promptTokens * price.input + completionTokens * price.output);
  }
}

export function formatUsd(micros: number): string {
  const dollars = micros / 1_000_000;
  return dollars < 0.01 && dollars > 0 ? `$${dollars.toFixed(4)}` : `$${dollars.toFixed(2)}`;
}
