import { calcPrice } from "@pydantic/genai-prices";
import { describe, expect, it } from "vitest";
import { PriceTable } from "../../src/governance/pricing.ts";

describe("prices: MODEL_PRICES over the maintained package, cached input at the cached price", () => {
  it("an override wins and prices cached prompt tokens at cachedInput", () => {
    const table = new PriceTable({ "my-model": { input: 2, output: 8, cachedInput: 0.5 } });
    expect(table.costMicros("my-model", { promptTokens: 1000, completionTokens: 100 })).toBe(2800);
    expect(
      table.costMicros("my-model", { promptTokens: 1000, completionTokens: 100, cachedPromptTokens: 600 }),
    ).toBe(400 * 2 + 600 * 0.5 + 100 * 8);
  });

  it("an override without cachedInput prices cached tokens as input", () => {
    const table = new PriceTable({ "my-model": { input: 2, output: 8 } });
    expect(
      table.costMicros("my-model", { promptTokens: 1000, completionTokens: 0, cachedPromptTokens: 600 }),
    ).toBe(2000);
  });

  it("models the package knows are priced by it, cached reads at its cache price", () => {
    const table = new PriceTable();
    const usage = { promptTokens: 1_000_000, completionTokens: 200_000 };
    const full = table.costMicros("gpt-4.1-mini", usage);
    const cached = table.costMicros("gpt-4.1-mini", { ...usage, cachedPromptTokens: 800_000 });
    const listed = calcPrice({ input_tokens: 1_000_000, output_tokens: 200_000 }, "gpt-4.1-mini");
    expect(full).toBe(Math.round((listed?.total_price ?? Number.NaN) * 1_000_000));
    expect(cached).toBeGreaterThan(0);
    expect(cached).toBeLessThan(full);
    expect(table.costMicros("deepseek-chat", usage)).toBeGreaterThan(0);
  });

  it("an unknown model costs 0 (no guess)", () => {
    expect(new PriceTable().costMicros("no-such-model-xyz", { promptTokens: 10, completionTokens: 10 })).toBe(
      0,
    );
  });
});
