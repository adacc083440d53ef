import { describe, expect, it } from "vitest";
import type { UserFacingErrorCode } from "../../src/engine/events.ts";
import { en } from "../../src/i18n/locales/en.ts";
import { catalogs, type MessageKey, resolveLocale, translate } from "../../src/i18n/translate.ts";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const keys = Object.keys(en).sort() as MessageKey[];

describe("i18n catalogs", () => {
  it("has more than English", () => {
    expect(Object.keys(catalogs).length).toBeGreaterThan(1);
  });

  for (const [locale, catalog] of Object.entries(catalogs)) {
    describe(locale, () => {
      it("has exactly the English keys", () => {
        expect(Object.keys(catalog).sort()).toEqual(keys);
      });

      it("uses the same {placeholders} as English in every text", () => {
        for (const key of keys) expect(placeholders(catalog[key] ?? ""), key).toEqual(placeholders(en[key]));
      });

      it("has no empty or untranslated-looking text", () => {
        for (const key of keys) {
          expect(catalog[key]?.trim(), key).not.toBe("");
          expect(catalog[key], key).not.toBe(key);
        }
      });
    });
  }

  it("has a text for every user-facing error code", () => {
    const codes: UserFacingErrorCode[] = [
      "rate_limited",
      "quota_exhausted",
      "misconfigured",
      "timed_out",
      "too_long",
      "unavailable",
      "empty_question",
      "internal",
    ];
    for (const code of codes) expect(keys).toContain(`error.${code}`);
  });
});

describe("translate", () => {
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(
      translate("en", "help.commands", { ask: "/ask", reset: "/reset", usage: "/usage", help: "/help" }),
    ).toBe("Commands: /ask <question>, /reset (forget this conversation), /usage, /help.");
    expect(translate("en", "help.commands", {})).toContain("{ask}");
  });

  it("fills a placeholder that appears in a value without re-expanding it", () => {
    expect(translate("en", "help.text", { model: "{commands}", commands: "X" })).toContain(
      "model {commands}",
    );
  });

  it("maps platform locales to catalogs, English when unknown", () => {
    expect(resolveLocale("zh-CN")).toBe("zh-cn");
    expect(resolveLocale("zh")).toBe("zh-cn");
    expect(resolveLocale("en-GB")).toBe("en");
    expect(resolveLocale("fr-FR")).toBe("en");
    expect(resolveLocale(undefined)).toBe("en");
    expect(resolveLocale(undefined, "zh-cn")).toBe("zh-cn");
    expect(resolveLocale("de", "nonexistent")).toBe("en");
  });

  it("answers a Chinese user in Chinese and anyone else in English", () => {
    expect(translate("zh-CN", "error.rate_limited")).toBe(catalogs["zh-cn"]?.["error.rate_limited"]);
    expect(translate("pt-BR", "error.rate_limited")).toBe(en["error.rate_limited"]);
  });
});
