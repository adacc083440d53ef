/**
 * The engine's public surface: the one module of `src/` that an adapter imports. Everything a
 * platform needs is here (the adapter contract, the turn it builds, the engine it asks, the
 * streaming reply it renders through, translation and logging); everything else in `src/` may
 * change without an adapter noticing. A test fails the build when an adapter reaches deeper.
 */
export type { Adapter, AdapterServices, PlatformAdapter } from "./adapter.ts";
export { type Config, machineShardIds } from "./config/config.ts";
export { loadConfigOrExit } from "./config/load.ts";
export type { ConversationAddress, InboundTurn, Platform, TurnAttachment } from "./conversation/turn.ts";
export type {
  EngineCommand,
  EngineEvent,
  EngineFailure,
  EngineProgress,
  EngineResult,
  FailureAudience,
} from "./engine/events.ts";
export type { SettingName } from "./engine/settings-command.ts";
export type { EngineNotice } from "./engine/turn-recorder.ts";
export type {
  AskOptions,
  CommandNames,
  CommandOptions,
  ConversationEngine,
  SettingsRequest,
} from "./engine/types.ts";
export { ExitCode } from "./exit-codes.ts";
export { type MessageKey, translate } from "./i18n/translate.ts";
export {
  type HealthOptions,
  healthRoutes,
  type ReadinessReport,
  type RunningHealthServer,
  startHealthServer,
} from "./monitoring/health-server.ts";
export type { BotMetrics } from "./monitoring/metrics.ts";
export { createLogger, type Logger } from "./observability/logger.ts";
export { systemTimerClock, type TimerClock } from "./reply/clock.ts";
export { type Delivery, type DeliveryOutcome, deliverAnswer, showText } from "./reply/deliver-answer.ts";
export { InFlightWork } from "./reply/in-flight-work.ts";
export { EMPTY_ANSWER, PartRenderer } from "./reply/part-renderer.ts";
export { StreamingReply, type StreamingReplyOptions } from "./reply/streaming-reply.ts";
export type { NativeStream, ReplySurface } from "./reply/surface.ts";
export type { RotatableSecret } from "./secrets/secret-reloader.ts";
export { MIN_SPLIT_LIMIT } from "./text/split-message.ts";
