import type { GoalResult, Section } from "../support/markdown.ts";
import { formatNumber, formatSpread, spread } from "../support/stats.ts";
import { runDiscordStream } from "./discord-run.ts";
import { runSlackStream } from "./slack-run.ts";
import { figures, type StreamFigures, type StreamRun } from "./timeline.ts";
import type { StreamShape } from "./upstream.ts";

export interface StreamingProfile extends StreamShape {
  repetitions: number;
}

/** Arrival at the fake jitters by a few ms around writes the adapter spaced exactly one interval apart. */
const JITTER_TOLERANCE_MS = 50;

export async function measureStreaming(
  profile: StreamingProfile,
  log: (line: string) => void,
): Promise<Section> {
  const runs: StreamRun[] = [];
  for (let rep = 0; rep < profile.repetitions; rep++) {
    // Both adapters at once, like `npm start` with both configured; each has its own fakes.
    runs.push(
      ...(await Promise.all([runDiscordStream(profile, rep * 2 + 1), runSlackStream(profile, rep * 2 + 2)])),
    );
    log(`  streaming repetition ${rep + 1}/${profile.repetitions} done`);
  }
  const platforms = ["Discord", "Slack"] as const;
  const byPlatform = platforms.map((platform) => {
    const mine = runs.filter((run) => run.platform === platform);
    return { platform, runs: mine, figures: mine.map(figures) };
  });
  const of = (list: StreamFigures[], pick: (f: StreamFigures) => number, digits = 0) =>
    formatSpread(spread(list.map(pick)), digits);
  const rows = byPlatform.map(({ platform, runs: mine, figures: list }) => [
    platform,
    of(list, (f) => f.firstDeltaToFirstWriteMs, 1),
    of(list, (f) => f.messages),
    of(list, (f) => f.edits),
    of(list, (f) => f.minInterimGapMs),
    of(list, (f) => f.interimGapsUnderOneSecond),
    of(list, (f) => f.finalGapMs),
    of(list, (f) => f.lastDeltaToFinalWriteMs, 1),
    mine.every((run) => run.finalExact)
      ? "yes"
      : `no (${mine.filter((run) => !run.finalExact).length} of ${mine.length})`,
  ]);
  const goals: GoalResult[] = byPlatform.flatMap(({ platform, runs: mine, figures: list }) => {
    const firstWrite = spread(list.map((f) => f.firstDeltaToFirstWriteMs)).median;
    const interimMin = Math.min(...list.map((f) => f.minInterimGapMs));
    const finalMin = Math.min(...list.map((f) => f.finalGapMs));
    return [
      {
        goal: `${platform}: first upstream delta → first platform write < 50 ms (median)`,
        verdict: firstWrite < 50 ? "met" : "missed",
        detail:
          `${formatNumber(firstWrite, 1)} ms` +
          (firstWrite < 50
            ? ""
            : platform === "Slack"
              ? "; dominated by the update interval, which counts from the placeholder post: the first chat.update waits until SLACK_UPDATE_INTERVAL_MS after it"
              : ""),
      },
      {
        goal: `${platform}: at most one edit per second per message, interim writes (≥ ${1000 - JITTER_TOLERANCE_MS} ms apart at the fake)`,
        verdict: interimMin >= 1000 - JITTER_TOLERANCE_MS ? "met" : "missed",
        detail: `smallest gap ${formatNumber(interimMin, 0)} ms`,
      },
      {
        goal: `${platform}: at most one edit per second per message, final write included`,
        verdict: finalMin >= 1000 - JITTER_TOLERANCE_MS ? "met" : "missed",
        detail: `the final write came ${formatNumber(finalMin, 0)} ms after the previous write of its message (smallest over repetitions)`,
      },
      {
        goal: `${platform}: final text exact`,
        verdict: mine.every((run) => run.finalExact) ? "met" : "missed",
        detail: `${mine.filter((run) => run.finalExact).length} of ${mine.length} repetitions`,
      },
    ];
  });
  const seconds = profile.durationMs / 1000;
  return {
    title: "5. Streaming through the adapters",
    intro: [
      `A ${seconds}-second answer (a chunk of about three words every ${profile.chunkIntervalMs} ms after a ${profile.firstByteMs} ms first token) ` +
        "streamed to a channel mention through the real adapters: discord.js against the fake Discord (REST + gateway) " +
        "and the Bolt app (HTTP mode, signed event) against the fake Slack Web API, with the real engine and client " +
        "and each adapter's default interval (DISCORD_EDIT_INTERVAL_MS = SLACK_UPDATE_INTERVAL_MS = 1000). Times are " +
        "stamped when the fake OpenAI hands a chunk to its socket and when the platform fake records a call. The " +
        "answer is plain prose, so the final text can be checked exactly: on Discord the messages joined back " +
        "(src/text/split-message.ts) equal the streamed answer; on Slack every message equals the adapter's own " +
        "rendering of the complete answer (mrkdwn, parts of at most 4,000 characters) and together they hold the " +
        `same words. ${profile.repetitions} repetitions, both adapters at once; median (min–max).`,
    ],
    tables: [
      {
        headers: [
          "Adapter",
          "first delta → first write with text (ms)",
          "messages",
          "edits",
          "smallest gap between interim writes (ms)",
          "interim gaps < 1 s",
          "final write after previous write (ms)",
          "last delta → final write (ms)",
          "final text exact",
        ],
        rows,
      },
    ],
    goals,
    notes: [
      "The first Slack write is a placeholder posted when the question arrives (before any delta); it is not counted " +
        "as a write with text. Discord shows its typing indicator until the first delta instead. Gaps are measured at " +
        `the fakes, so HTTP arrival jitter of a few ms around exactly-one-second writes is tolerated (${JITTER_TOLERANCE_MS} ms).`,
    ],
  };
}
