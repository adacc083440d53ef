import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Named dependencies and whether each is up, e.g. `{ slack: true, discord: true, redis: false }`. */
export type ReadinessReport = Record<string, boolean>;

export interface HealthOptions {
  /** Asked on every GET /readyz; a throw or a slow answer (over 2 s) counts as not ready. */
  readiness: () => ReadinessReport | Promise<ReadinessReport>;
  /** Serves GET /metrics when given (a BotMetrics, or anything that renders Prometheus text). */
  metrics?: { render(): Promise<{ contentType: string; body: string }> };
  /** Facts shown beside the checks in /readyz that do not decide readiness (e.g. when secrets were loaded). */
  details?: () => Record<string, unknown>;
}

export type HealthHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

const readinessTimeoutMs = 2000;

async function checkReadiness(options: HealthOptions): Promise<{ ready: boolean; checks: ReadinessReport }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const checks = await Promise.race([
      Promise.resolve().then(options.readiness),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("readiness check timed out")), readinessTimeoutMs);
      }),
    ]);
    return { ready: Object.values(checks).every(Boolean), checks };
  } catch {
    return { ready: false, checks: {} };
  } finally {
    clearTimeout(timer);
  }
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  head: boolean,
): void {
  response.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  response.end(head ? undefined : body);
}

/**
 * `/healthz` (the process is alive and its event loop turns), `/readyz` (platform connections up, Redis
 * reachable when configured: 200 or 503 with the checks) and `/metrics` (Prometheus). Resolves false
 * for any other request so a server that mounts it can go on routing.
 */
export function createHealthHandler(options: HealthOptions): HealthHandler {
  return async (request, response) => {
    const method = request.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") return false;
    const head = method === "HEAD";
    const path = (request.url ?? "/").split("?")[0];
    switch (path) {
      case "/healthz":
        send(response, 200, "application/json", JSON.stringify({ status: "ok" }), head);
        return true;
      case "/readyz": {
        const { ready, checks } = await checkReadiness(options);
        const details = options.details?.();
        const body = JSON.stringify(details ? { ready, checks, details } : { ready, checks });
        send(response, ready ? 200 : 503, "application/json", body, head);
        return true;
      }
      case "/metrics": {
        if (!options.metrics) return false;
        try {
          const { contentType, body } = await options.metrics.render();
          send(response, 200, contentType, body, head);
        } catch {
          send(response, 500, "text/plain", "metrics unavailable\n", head);
        }
        return true;
      }
      default:
        return false;
    }
  };
}

/**
 * The same endpoints as `customRoutes` for Bolt's HTTP receiver (`new App({ customRoutes })`), so
 * that in Slack HTTP mode one port serves /slack/events and the health endpoints.
 */
export function healthRoutes(options: HealthOptions): {
  path: string;
  method: string[];
  handler: (request: IncomingMessage, response: ServerResponse) => void;
}[] {
  const handle = createHealthHandler(options);
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).then(
      (handled) => {
        if (!handled) send(response, 404, "text/plain", "not found\n", false);
      },
      () => {
        if (!response.headersSent) send(response, 500, "text/plain", "error\n", false);
      },
    );
  };
  const paths = options.metrics ? ["/healthz", "/readyz", "/metrics"] : ["/healthz", "/readyz"];
  return paths.map((path) => ({ path, method: ["GET", "HEAD"], handler }));
}

export interface RunningHealthServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/** A standalone server for the health endpoints (Discord only, Slack Socket Mode). Port 0 = any free port. */
export async function startHealthServer(
  options: HealthOptions & { port: number; host?: string },
): Promise<RunningHealthServer> {
  const handle = createHealthHandler(options);
  const server = createServer((request, response) => {
    handle(request, response).then(
      (handled) => {
        if (!handled) send(response, 404, "text/plain", "not found\n", request.method === "HEAD");
      },
      () => {
        if (!response.headersSent) send(response, 500, "text/plain", "error\n", false);
      },
    );
  });
  // Probes come often; a kept-alive idle socket must not hold up shutdown.
  server.keepAliveTimeout = 1000;
  server.listen(options.port, options.host ?? "0.0.0.0");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
