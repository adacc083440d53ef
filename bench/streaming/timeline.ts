/** One write the bot made to a platform, stamped when the fake recorded it (performance.now()). */
export interface PlatformWrite {
  /** The platform message it created or changed. */
  messageId: string;
  kind: "post" | "edit";
  at: number;
  /** Whether it carried answer text (not a placeholder). */
  carriesAnswer: boolean;
}

export interface StreamRun {
  platform: "Discord" | "Slack";
  /** The fake OpenAI wrote its first content chunk. */
  firstDeltaAt: number;
  lastDeltaAt: number;
  writes: PlatformWrite[];
  finalExact: boolean;
}

export interface StreamFigures {
  firstDeltaToFirstWriteMs: number;
  edits: number;
  messages: number;
  /** Smallest time between two interim text writes of one message (placeholder and final write excluded). */
  minInterimGapMs: number;
  /** Pairs of consecutive interim writes to one message less than a second apart. */
  interimGapsUnderOneSecond: number;
  /** The final write's distance to the previous write of the same message (Infinity: its first). */
  finalGapMs: number;
  /** Last upstream chunk to the final write. */
  lastDeltaToFinalWriteMs: number;
}

export function figures(run: StreamRun): StreamFigures {
  const firstWrite = run.writes.find((write) => write.carriesAnswer && write.at >= run.firstDeltaAt);
  const last = run.writes[run.writes.length - 1];
  const byMessage = new Map<string, number[]>();
  for (const write of run.writes) {
    // The placeholder holds no text: the first words replace it at once, and only text writes are throttled.
    if (write === last || !write.carriesAnswer) continue;
    const list = byMessage.get(write.messageId) ?? [];
    list.push(write.at);
    byMessage.set(write.messageId, list);
  }
  let minInterimGapMs = Number.POSITIVE_INFINITY;
  let interimGapsUnderOneSecond = 0;
  for (const times of byMessage.values()) {
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] as number) - (times[i - 1] as number);
      minInterimGapMs = Math.min(minInterimGapMs, gap);
      if (gap < 1000) interimGapsUnderOneSecond++;
    }
  }
  const beforeFinal = last ? byMessage.get(last.messageId)?.at(-1) : undefined;
  return {
    firstDeltaToFirstWriteMs: firstWrite ? firstWrite.at - run.firstDeltaAt : Number.NaN,
    edits: run.writes.filter((write) => write.kind === "edit").length,
    messages: new Set(run.writes.map((write) => write.messageId)).size,
    minInterimGapMs,
    interimGapsUnderOneSecond,
    finalGapMs: last && beforeFinal !== undefined ? last.at - beforeFinal : Number.POSITIVE_INFINITY,
    lastDeltaToFinalWriteMs: last ? last.at - run.lastDeltaAt : Number.NaN,
  };
}
