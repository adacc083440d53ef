import { readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { machineShardIds, parseConfig, secretVariableNames } from "../../src/config/config.ts";
import { fileVariableOf } from "../../src/config/secret-files.ts";
import { allVariables } from "../../src/config/variables/index.ts";

// deploy/kubernetes offline: every manifest parses, validates against the Kubernetes OpenAPI schemas
// (kubernetes-models ships them compiled), sets only variables the configuration knows, and the
// environment each pod would get parses as the bot's configuration (tokens read from the Secret
// through the mounted files), with the StatefulSet's pods covering every shard exactly once.

const folder = join(import.meta.dirname, "..", "..", "deploy", "kubernetes");

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  // biome-ignore lint/suspicious/noExplicitAny: checked against the Kubernetes schemas below
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

const kustomization = parseAllDocuments(
  readFileSync(join(folder, "kustomization.yaml"), "utf8"),
)[0]?.toJS() as {
  kind: string;
  resources: string[];
};

const manifests: Manifest[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(folder, file), "utf8")).map((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map(String).join("; ")}`);
    return document.toJS() as Manifest;
  }),
);

function find(kind: string, name: string): Manifest {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

const configMap = find("ConfigMap", "llm-chat-bot");
const secret = find("Secret", "llm-chat-bot");
const botWorkloads = [find("Deployment", "llm-chat-bot-slack"), find("StatefulSet", "llm-chat-bot-discord")];

/** The environment the bot container of `workload` gets, with the pod's ordinal for the pod-index label. */
function podEnvironment(workload: Manifest, ordinal: number): Record<string, string> {
  const container = workload.spec.template.spec.containers[0];
  const environment: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    expect(source.configMapRef.name).toBe(configMap.metadata.name);
    Object.assign(environment, configMap.data);
  }
  for (const variable of container.env as EnvVar[]) {
    const field = variable.valueFrom?.fieldRef?.fieldPath;
    if (field === "metadata.labels['apps.kubernetes.io/pod-index']")
      environment[variable.name] = String(ordinal);
    else if (variable.value !== undefined) environment[variable.name] = variable.value;
    else throw new Error(`${variable.name}: a value source this test does not know`);
  }
  return environment;
}

/** Reads a mounted file the way the pod would see it: through the container's secret volume. */
function secretFileReader(workload: Manifest): (path: string) => string {
  const pod = workload.spec.template.spec;
  return (path) => {
    for (const mount of pod.containers[0].volumeMounts ?? []) {
      const volume = pod.volumes.find((candidate: { name: string }) => candidate.name === mount.name);
      if (!volume?.secret || posix.dirname(path) !== mount.mountPath) continue;
      expect(volume.secret.secretName).toBe(secret.metadata.name);
      const item = volume.secret.items.find(
        (candidate: { path: string }) => candidate.path === posix.basename(path),
      );
      const value = item ? secret.stringData?.[item.key] : undefined;
      if (value !== undefined) return value;
    }
    throw Object.assign(new Error(`${path} is not mounted`), { code: "ENOENT" });
  };
}

describe("deploy/kubernetes", () => {
  it("is a kustomization of manifests of the expected kinds", () => {
    expect(kustomization.kind).toBe("Kustomization");
    expect(manifests.map((manifest) => `${manifest.kind}/${manifest.metadata.name}`).sort()).toEqual([
      "ConfigMap/llm-chat-bot",
      "Deployment/llm-chat-bot-slack",
      "HorizontalPodAutoscaler/llm-chat-bot-slack",
      "PodDisruptionBudget/llm-chat-bot-slack",
      "Secret/llm-chat-bot",
      "Service/llm-chat-bot-discord",
      "Service/llm-chat-bot-redis",
      "Service/llm-chat-bot-slack",
      "StatefulSet/llm-chat-bot-discord",
      "StatefulSet/llm-chat-bot-redis",
    ]);
  });

  it("validates every manifest against the Kubernetes OpenAPI schemas", async () => {
    for (const manifest of manifests) {
      const module = (await import(`kubernetes-models/${manifest.apiVersion}/${manifest.kind}`)) as Record<
        string,
        new (
          data: unknown,
        ) => { validate(): void }
      >;
      const Model = module[manifest.kind];
      if (!Model) throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind}`);
      expect(
        () => new Model(manifest).validate(),
        `${manifest.kind} ${manifest.metadata.name}`,
      ).not.toThrow();
    }
  });

  it("the schemas do refuse a malformed manifest (so the check above can fail)", async () => {
    const { Deployment } = await import("kubernetes-models/apps/v1/Deployment");
    const broken = structuredClone(find("Deployment", "llm-chat-bot-slack"));
    broken.spec.template.spec.containers[0].resources.limits.memory = "half a gig";
    expect(() => new Deployment(broken as never).validate()).toThrow(/memory/);
  });

  it("sets only variables of the configuration table, secrets as <NAME>_FILE only", () => {
    const fileVariables = new Set(secretVariableNames.map(fileVariableOf));
    const names = [
      ...Object.keys(configMap.data ?? {}),
      ...botWorkloads.flatMap((workload) =>
        (workload.spec.template.spec.containers[0].env as EnvVar[]).map((variable) => variable.name),
      ),
    ];
    expect(names.length).toBeGreaterThan(8);
    for (const name of names) {
      expect(name in allVariables || fileVariables.has(name), `${name} is not a configuration variable`).toBe(
        true,
      );
    }
    const tokens = ["OPENAI_API_KEY", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN"];
    for (const token of tokens) expect(names).not.toContain(token);
  });

  it("gives each Slack pod a configuration that parses, tokens read from the Secret's files", () => {
    const slack = find("Deployment", "llm-chat-bot-slack");
    const config = parseConfig(podEnvironment(slack, 0), secretFileReader(slack));
    expect(config.SLACK_BOT_TOKEN).toBe(secret.stringData?.["slack-bot-token"]);
    expect(config.SLACK_SIGNING_SECRET).toBe(secret.stringData?.["slack-signing-secret"]);
    expect(config.OPENAI_API_KEY).toBe(secret.stringData?.["openai-api-key"]);
    expect(config.DISCORD_TOKEN).toBeUndefined();
    expect(config.REDIS_URL).toMatch(/^redis:\/\/llm-chat-bot-redis:6379$/);
    const probes = slack.spec.template.spec.containers[0];
    expect(probes.readinessProbe.httpGet.path).toBe("/readyz");
    expect(probes.livenessProbe.httpGet.path).toBe("/healthz");
    expect(find("HorizontalPodAutoscaler", "llm-chat-bot-slack").spec.scaleTargetRef.name).toBe(
      slack.metadata.name,
    );
  });

  it("gives the Discord StatefulSet's pods disjoint shard groups that cover every shard", () => {
    const discord = find("StatefulSet", "llm-chat-bot-discord");
    const covered: number[] = [];
    for (let ordinal = 0; ordinal < discord.spec.replicas; ordinal++) {
      const config = parseConfig(podEnvironment(discord, ordinal), secretFileReader(discord));
      expect(config.DISCORD_TOKEN).toBe(secret.stringData?.["discord-token"]);
      const total = config.DISCORD_SHARDS;
      if (typeof total !== "number") throw new Error("DISCORD_SHARDS must be a number");
      covered.push(...machineShardIds(config, total));
      if (ordinal === discord.spec.replicas - 1) {
        expect(covered.sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, id) => id));
      }
    }
    expect(discord.spec.template.spec.containers[0].command).toEqual(["node", "dist/app/sharded.js"]);
  });

  it("gives every container memory requests and limits, and mounts Redis's data on a volume", () => {
    for (const workload of manifests.filter((manifest) =>
      ["Deployment", "StatefulSet"].includes(manifest.kind),
    )) {
      for (const container of workload.spec.template.spec.containers) {
        expect(container.resources.requests.memory, workload.metadata.name).toBeDefined();
        expect(container.resources.limits.memory, workload.metadata.name).toBeDefined();
      }
    }
    const redis = find("StatefulSet", "llm-chat-bot-redis");
    expect(redis.spec.template.spec.containers[0].args).toContain("--appendonly");
    expect(redis.spec.volumeClaimTemplates[0].metadata.name).toBe(
      redis.spec.template.spec.containers[0].volumeMounts[0].name,
    );
  });
});
