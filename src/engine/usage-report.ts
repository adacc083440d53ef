import type { InboundTurn } from "../conversation/turn.ts";
import { formatUsd } from "../governance/pricing.ts";
import { translate } from "../i18n/translate.ts";
import { dayOf, monthOf, usageKeys } from "../usage/usage-keys.ts";
import type { RankedEntry } from "../usage/usage-store.ts";
import type { CommandContext } from "./command-context.ts";

const tokensOf = (totals: { promptTokens: number; completionTokens: number }) =>
  totals.promptTokens + totals.completionTokens;

/** `/usage`: the user's day and month, the workspace's, remaining budgets; top users/channels for admins. */
export async function usageReport(
  turn: InboundTurn,
  locale: string,
  context: CommandContext,
): Promise<string> {
  const now = context.now();
  const day = dayOf(now);
  const month = monthOf(now);
  const { usage, governance } = context;
  const [thread, userDay, userMonth, workspaceDay, workspaceMonth] = await Promise.all([
    usage.get(usageKeys.conversation(turn)),
    usage.get(usageKeys.userDay(turn, day)),
    usage.get(usageKeys.userMonth(turn, month)),
    usage.get(usageKeys.workspaceDay(turn, day)),
    usage.get(usageKeys.workspaceMonth(turn, month)),
  ]);
  const lines = [
    translate(locale, "usage.summary", {
      threadTokens: tokensOf(thread),
      userDayTokens: tokensOf(userDay),
      userDayCost: formatUsd(userDay.costMicros),
      userMonthTokens: tokensOf(userMonth),
      userMonthCost: formatUsd(userMonth.costMicros),
      cachedAnswers: userMonth.cachedAnswers,
      savedTokens: userMonth.savedTokens,
    }),
    translate(locale, "usage.workspace", {
      workspaceDayTokens: tokensOf(workspaceDay),
      workspaceDayCost: formatUsd(workspaceDay.costMicros),
      workspaceMonthTokens: tokensOf(workspaceMonth),
      workspaceMonthCost: formatUsd(workspaceMonth.costMicros),
    }),
  ];
  const limits = governance?.limits;
  const remaining = (budget: number | undefined, used: number) =>
    budget === undefined ? translate(locale, "usage.unlimited") : String(Math.max(0, budget - used));
  lines.push(
    translate(locale, "usage.remaining", {
      userRemaining: remaining(limits?.userDailyTokens, tokensOf(userDay)),
      workspaceRemaining: remaining(limits?.workspaceDailyTokens, tokensOf(workspaceDay)),
    }),
  );
  if (governance?.isAdmin(turn) ?? turn.isAdmin) {
    const [users, channels, apiKeys] = await Promise.all([
      usage.top(usageKeys.topUsersDay(turn, day), 5),
      usage.top(usageKeys.topChannelsDay(turn, day), 5),
      usage.top(usageKeys.apiKeysDay(day), 5),
    ]);
    const list = (entries: RankedEntry[]) =>
      entries.length === 0
        ? translate(locale, "usage.none")
        : entries.map((entry) => `${entry.member}: ${entry.score}`).join(", ");
    lines.push(translate(locale, "usage.top", { users: list(users), channels: list(channels) }));
    const perKey = await Promise.all(
      apiKeys.map(async ({ member }) => {
        const totals = await usage.get(usageKeys.apiKeyDay(member, day));
        return translate(locale, "usage.api_key", {
          fingerprint: member,
          requests: totals.requests,
          tokens: tokensOf(totals),
        });
      }),
    );
    lines.push(
      translate(locale, "usage.api_keys", {
        keys: perKey.length === 0 ? translate(locale, "usage.none") : perKey.join(", "),
      }),
    );
  }
  return lines.join("\n");
}
