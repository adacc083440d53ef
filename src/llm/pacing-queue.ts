import type { Clock } from "./clock.ts";
import type { ConcurrencyGate } from "./concurrency-gate.ts";
import { type FairnessKey, FairQueue, fairnessScope } from "./fair-queue.ts";
import type { Budget, BudgetTake, Grant } from "./local-budget.ts";
import { type AcquireOptions, QuotaWaitTooLong } from "./rate-limiter.ts";
import { WorkspaceShares } from "./workspace-shares.ts";

/** A request let through: the budget's grant (its sequence numbers), and its slot. */
export interface Admission {
  grant: Grant;
  /** Gives the concurrency slot back. */
  free(): void;
}

export interface PacingQueueStats {
  inFlight: number;
  queued: number;
  /** Requests let through, and the time they waited in all (ms). */
  admitted: number;
  waitedMs: number;
  /** Requests told at once that their wait would pass their deadline. */
  refused: number;
}

interface Waiter {
  tokens: number;
  key: FairnessKey;
  deadline: number | undefined;
  enqueuedAt: number;
  resolve(admission: Admission): void;
  reject(error: unknown): void;
  /** Detaches the abort listener. */
  detach(): void;
}

/**
 * The one queue in front of the upstream: a request goes when a concurrency slot is free and the
 * budget allows it, in fair order (round-robin by workspace, then user). The queue asks the budget
 * about its head only, and sleeps until the budget says, a slot comes back or a report arrives.
 * A request whose estimated wait passes its deadline is refused at once, with the estimate.
 */
export class PacingQueue {
  private readonly queue = new FairQueue<Waiter>();
  private readonly shares = new WorkspaceShares();
  private pumping = false;
  private again = false;
  private timer: { at: number; controller: AbortController } | undefined;
  private admitted = 0;
  private waitedMs = 0;
  private refused = 0;

  constructor(
    private readonly clock: Clock,
    private readonly gate: ConcurrencyGate,
    private readonly budget: Budget,
  ) {
    gate.onFree = () => this.wake();
  }

  acquire(tokens: number, options: AcquireOptions = {}): Promise<Admission> {
    // An abort that happened before the call never fires its event: check it, or the request would queue.
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    const key = options.fairness ?? fairnessScope.getStore() ?? {};
    const now = this.clock.now();
    if (options.deadline !== undefined) {
      const wait = this.estimateWaitMs(key, tokens);
      if (now + wait > options.deadline) {
        this.refused++;
        return Promise.reject(new QuotaWaitTooLong(wait));
      }
    }
    return new Promise<Admission>((resolve, reject) => {
      const { signal } = options;
      const onAbort = () => {
        if (this.queue.remove(waiter)) reject(signal?.reason);
      };
      const waiter: Waiter = {
        tokens,
        key,
        deadline: options.deadline,
        enqueuedAt: now,
        resolve,
        reject,
        detach: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter, key);
      this.wake();
    });
  }

  stats(): PacingQueueStats {
    return {
      inFlight: this.gate.inFlight,
      queued: this.queue.size,
      admitted: this.admitted,
      waitedMs: this.waitedMs,
      refused: this.refused,
    };
  }

  /** Something changed (a slot, a report, a cool-down): look at the head of the queue again. */
  wake(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    void this.pump();
  }

  /** The wait a new request of `key` would have: the queue ahead of it in fair order, then itself. */
  private estimateWaitMs(key: FairnessKey, tokens: number): number {
    const ahead = this.queue.aheadOf(key) + this.reserveFor(key.workspaceId ?? "");
    let tokensAhead = 0;
    if (ahead > 0) {
      let total = 0;
      for (const waiter of this.queue.values()) total += waiter.tokens;
      tokensAhead = (total / this.queue.size) * ahead;
    }
    return this.budget.estimateWaitMs(ahead + 1, tokensAhead + tokens);
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.again = false;
        await this.step();
      } while (this.again);
    } finally {
      this.pumping = false;
    }
  }

  /** Lets requests go while they may; then arranges to be woken. */
  private async step(): Promise<void> {
    for (;;) {
      this.expire(this.clock.now(), false);
      const head = this.queue.peek();
      if (!head) return;
      if (!this.gate.tryTake()) {
        // No slot: who has reached the deadline is told, and what the budget alone imposes (a
        // cool-down) is still a floor for everyone.
        // (No timer for deadlines: the next slot back or report looks again.)
        this.expire(this.clock.now(), true);
        this.refuseBeyond(this.budget.estimateWaitMs(1, head.tokens));
        return;
      }
      let chosen = head;
      let take: BudgetTake;
      try {
        ({ chosen, take } = await this.takeFor(head));
      } catch (error) {
        this.gate.release();
        this.queue.remove(head);
        head.detach();
        head.reject(error);
        continue;
      }
      const now = this.clock.now();
      if (take.granted) {
        let freed = false;
        const admission: Admission = {
          grant: take,
          free: () => {
            if (freed) return;
            freed = true;
            this.gate.release();
          },
        };
        const shape = this.budget.requestShape();
        this.shares.granted(chosen.key.workspaceId ?? "", now, shape?.periodMs ?? 60_000);
        if (!this.queue.serve(chosen)) {
          // Aborted while the budget was asked: the slot goes back; the budget taken is lost.
          admission.free();
          continue;
        }
        chosen.detach();
        this.admitted++;
        this.waitedMs += now - chosen.enqueuedAt;
        chosen.resolve(admission);
        continue;
      }
      this.gate.releaseQuietly();
      this.refuseBeyond(take.waitMs);
      this.refuseHopeless();
      if (this.queue.size > 0) this.sleepUntil(now + take.waitMs);
      return;
    }
  }

  /** The head's wait is a floor for everyone behind it: who cannot wait that long is told now. */
  private refuseBeyond(waitMs: number): void {
    if (waitMs <= 0) return;
    const now = this.clock.now();
    for (const waiter of [...this.queue.values()]) {
      if (waiter.deadline !== undefined && now + waitMs > waiter.deadline) {
        this.queue.remove(waiter);
        waiter.detach();
        this.refused++;
        waiter.reject(new QuotaWaitTooLong(waitMs));
      }
    }
  }

  /**
   * Who has been overtaken (fair order lets a quieter workspace's later question go first) until its
   * turn would pass its deadline is told now, not when the deadline comes.
   */
  private refuseHopeless(): void {
    if (this.queue.size > 200) return; // rank by rank costs n², and the head's floor still applies
    let tokens = 0;
    for (const waiter of this.queue.values()) tokens += waiter.tokens;
    const meanTokens = tokens / Math.max(1, this.queue.size);
    const now = this.clock.now();
    for (const waiter of [...this.queue.values()]) {
      if (waiter.deadline === undefined) continue;
      const ahead = this.queue.rankOf(waiter) + this.reserveFor(waiter.key.workspaceId ?? "");
      const wait = this.budget.estimateWaitMs(ahead + 1, meanTokens * ahead + waiter.tokens);
      if (now + wait > waiter.deadline) {
        this.queue.remove(waiter);
        waiter.detach();
        this.refused++;
        waiter.reject(new QuotaWaitTooLong(wait));
      }
    }
  }

  /**
   * Asks the budget for the head; when the head's workspace is over its share and must leave the
   * reserve, the first waiter of a workspace within its share may go instead.
   */
  private async takeFor(head: Waiter): Promise<{ chosen: Waiter; take: BudgetTake }> {
    const reserve = this.reserveFor(head.key.workspaceId ?? "");
    const take = await this.budget.tryTake(head.tokens, reserve);
    if (take.granted || reserve === 0) return { chosen: head, take };
    const light = this.queue.peekWhere((workspace) => this.reserveFor(workspace) === 0);
    if (!light) return { chosen: head, take };
    const other = await this.budget.tryTake(light.tokens, 0);
    if (other.granted) return { chosen: light, take: other };
    return { chosen: head, take: { granted: false, waitMs: Math.min(take.waitMs, other.waitMs) } };
  }

  private reserveFor(workspace: string): number {
    return this.shares.reserveFor(
      workspace,
      this.clock.now(),
      this.budget.requestShape(),
      this.queue.waitingWorkspaces(),
    );
  }

  /** Refuses the waiters past their deadline (`atDeadline`: or at it, when nothing can go now). */
  private expire(now: number, atDeadline: boolean): void {
    for (const waiter of [...this.queue.values()]) {
      const deadline = waiter.deadline;
      if (deadline !== undefined && (now > deadline || (atDeadline && now === deadline))) {
        this.queue.remove(waiter);
        waiter.detach();
        this.refused++;
        waiter.reject(new QuotaWaitTooLong(now - waiter.enqueuedAt));
      }
    }
  }

  /** One timer for the whole queue, at the earliest moment something may change by itself. */
  private sleepUntil(at: number): void {
    if (!Number.isFinite(at)) return;
    if (this.timer && this.timer.at <= at) return;
    this.timer?.controller.abort();
    const controller = new AbortController();
    this.timer = { at, controller };
    this.clock.sleep(Math.max(0, at - this.clock.now()), controller.signal).then(
      () => {
        if (this.timer?.controller === controller) this.timer = undefined;
        this.wake();
      },
      () => {},
    );
  }
}
