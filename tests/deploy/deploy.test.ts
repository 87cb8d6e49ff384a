import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, parse } from "yaml";
import { Deployment } from "kubernetes-models/apps/v1";
import { Job } from "kubernetes-models/batch/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Service } from "kubernetes-models/v1";
import { SUBGRAPH_NAMES } from "@citygraph/core";
import { REPO_ROOT, VARIABLES } from "@citygraph/platform";

const KUBERNETES = join(REPO_ROOT, "deploy", "kubernetes");

/** A Kubernetes object as rendered, enough of it for the checks below. */
interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

type Container = {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string }[];
  readinessProbe?: { httpGet?: { path: string } };
  livenessProbe?: { httpGet?: { path: string } };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
};
type PodSpec = { securityContext?: { runAsNonRoot?: boolean }; containers: Container[] };

/** Validates one object against the Kubernetes schema of its kind (kubernetes-models throws on a violation). */
function validate(object: KubeObject): void {
  const models: Record<string, new (data: never) => { validate(): void }> = {
    "apps/v1 Deployment": Deployment,
    "batch/v1 Job": Job,
    "autoscaling/v2 HorizontalPodAutoscaler": HorizontalPodAutoscaler,
    "policy/v1 PodDisruptionBudget": PodDisruptionBudget,
    "v1 ConfigMap": ConfigMap,
    "v1 Service": Service,
  };
  const Model = models[`${object.apiVersion} ${object.kind}`];
  assert.ok(Model, `${object.apiVersion} ${object.kind} ${object.metadata.name} is a kind these checks know`);
  new Model(object as never).validate();
}

/** Every variable name that a manifest sets for a container, from its env and the ConfigMap. */
function variablesSet(objects: KubeObject[]): string[] {
  const names = new Set<string>();
  for (const object of objects) {
    if (object.kind === "ConfigMap") for (const key of Object.keys(object.data ?? {})) names.add(key);
    for (const container of podSpecOf(object)?.containers ?? []) for (const { name } of container.env ?? []) names.add(name);
  }
  return [...names];
}

function podSpecOf(object: KubeObject): PodSpec | undefined {
  return (object.spec?.template as { spec?: PodSpec } | undefined)?.spec;
}

/** Is a variable name one citygraph reads (README § Configuration, `<NAME>` for a subgraph's)? */
function isRead(name: string): boolean {
  const patterns = VARIABLES.map((v) => new RegExp(`^${v.replace("<NAME>", `(${SUBGRAPH_NAMES.map((n) => n.toUpperCase()).join("|")})`)}$`));
  return patterns.some((pattern) => pattern.test(name));
}

function checkPlatform(objects: KubeObject[], where: string): void {
  for (const object of objects) validate(object);
  const deployments = new Map(objects.filter((o) => o.kind === "Deployment").map((o) => [o.metadata.name, o]));
  const services = new Set(objects.filter((o) => o.kind === "Service").map((o) => o.metadata.name));
  for (const name of [...SUBGRAPH_NAMES, "gateway"]) {
    const deployment = deployments.get(`citygraph-${name}`);
    assert.ok(deployment, `${where}: a Deployment for ${name}`);
    assert.ok(services.has(`citygraph-${name}`), `${where}: a Service for ${name}`);
    const pod = podSpecOf(deployment)!;
    assert.equal(pod.securityContext?.runAsNonRoot, true, `${where}: ${name} runs as non-root`);
    const [container] = pod.containers;
    assert.deepEqual(container?.args, ["serve", name], `${where}: ${name} runs its own service`);
    assert.equal(container?.readinessProbe?.httpGet?.path, "/readyz", `${where}: ${name} readiness`);
    assert.equal(container?.livenessProbe?.httpGet?.path, "/healthz", `${where}: ${name} liveness`);
    assert.equal(container?.securityContext?.readOnlyRootFilesystem, true, `${where}: ${name} has a read-only root`);
    assert.equal(container?.securityContext?.allowPrivilegeEscalation, false);
  }
  const gatewayEnv = podSpecOf(deployments.get("citygraph-gateway")!)!.containers[0]!.env!.map((e) => e.name);
  for (const name of SUBGRAPH_NAMES) assert.ok(gatewayEnv.includes(`SUBGRAPH_URL_${name.toUpperCase()}`), `${where}: the gateway routes to ${name}`);
  // A subgraph never holds the gateway's private key (with it, it could mint tokens for the others).
  for (const name of SUBGRAPH_NAMES) {
    const env = podSpecOf(deployments.get(`citygraph-${name}`)!)!.containers[0]!.env!.map((e) => e.name);
    assert.ok(!env.includes("CITYGRAPH_GATEWAY_KEY_FILE"), `${where}: ${name} has no gateway key`);
    assert.ok(env.includes("CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE"), `${where}: ${name} has its own token key`);
  }
  const hpa = objects.find((o) => o.kind === "HorizontalPodAutoscaler");
  assert.equal((hpa?.spec?.scaleTargetRef as { name?: string } | undefined)?.name, "citygraph-gateway", `${where}: the gateway autoscales`);
  assert.ok(objects.some((o) => o.kind === "PodDisruptionBudget"), `${where}: the gateway has a disruption budget`);
  assert.ok(objects.some((o) => o.kind === "Job" && o.metadata.name === "citygraph-migrate"), `${where}: a migration Job`);
  const unknown = variablesSet(objects).filter((name) => !isRead(name));
  assert.deepEqual(unknown, [], `${where}: every variable the manifests set is one citygraph reads`);
}

describe("deployment files", () => {
  it("the Kubernetes base is valid, complete and sets only variables citygraph reads", () => {
    const base = join(KUBERNETES, "base");
    const objects = readdirSync(base)
      .filter((file) => file.endsWith(".yaml") && file !== "kustomization.yaml")
      .flatMap((file) => parseAllDocuments(readFileSync(join(base, file), "utf8")).map((doc) => doc.toJS() as KubeObject))
      .filter(Boolean);
    checkPlatform(objects, "base");
  });

  for (const overlay of readdirSync(join(KUBERNETES, "overlays"))) {
    // Rendering needs kubectl (kustomize is built in); a machine without it validates base/ above only.
    const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
    it(`the ${overlay} overlay renders with kubectl kustomize to a valid platform`, { skip: kubectl.status !== 0 && "kubectl is not installed: overlays not rendered" }, () => {
      const rendered = spawnSync("kubectl", ["kustomize", join(KUBERNETES, "overlays", overlay)], { encoding: "utf8" });
      assert.equal(rendered.status, 0, rendered.stderr);
      const objects = parseAllDocuments(rendered.stdout).map((doc) => doc.toJS() as KubeObject);
      checkPlatform(objects, overlay);
      const namespaces = new Set(objects.map((o) => o.metadata.namespace));
      assert.equal(namespaces.size, 1, `${overlay}: one namespace`);
      assert.ok([...namespaces][0], `${overlay}: a namespace is set`);
    });
  }

  it("the Dockerfile builds in stages and runs the compiled build as a non-root user with a health check", () => {
    const dockerfile = readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8");
    const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)];
    assert.ok(stages.length >= 2, "multi-stage");
    assert.match(stages[0]![1]!, /^node:(22|24)/, "a supported Node line");
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    assert.match(runtime, /npm ci --omit=dev/, "the runtime holds production dependencies only");
    assert.match(runtime, /^USER\s+(?!root\b)\S+/m, "non-root");
    assert.match(runtime, /^HEALTHCHECK\b.*\/healthz/ms);
    assert.match(runtime, /^ENTRYPOINT\s+\["node",\s*"dist\/apps\/cli\/src\/main\.js"\]/m, "plain node on the build output");
    assert.doesNotMatch(runtime, /tsx/, "no TypeScript loader in production");
    assert.match(dockerfile, /npm run build/);
    const ignored = readFileSync(join(REPO_ROOT, ".dockerignore"), "utf8").split("\n");
    for (const path of ["node_modules", ".data", "dist"]) assert.ok(ignored.includes(path), `.dockerignore leaves out ${path}`);
  });

  it("compose.yaml runs the same topology: PostgreSQL, Redis, every subgraph and the gateway from one image", () => {
    const compose = parse(readFileSync(join(REPO_ROOT, "compose.yaml"), "utf8"), { merge: true }) as {
      services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, unknown>; healthcheck?: unknown }>;
    };
    const services = compose.services;
    for (const name of ["postgres", "redis", "migrate", "gateway", ...SUBGRAPH_NAMES]) assert.ok(services[name], `a ${name} service`);
    for (const name of SUBGRAPH_NAMES) {
      assert.deepEqual(services[name]!.command, ["serve", name]);
      assert.equal(services[name]!.image, services.gateway!.image, "one image");
      assert.ok(services[name]!.healthcheck, `${name} has a health check`);
      assert.match(services.gateway!.environment?.[`SUBGRAPH_URL_${name.toUpperCase()}`] ?? "", new RegExp(`^http://${name}:\\d+/graphql$`));
    }
    for (const [name, service] of Object.entries(services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) assert.ok(services[dependency], `${name} depends on ${dependency}, which exists`);
      if (service.image !== services.gateway!.image) continue;
      const unknown = Object.keys(service.environment ?? {}).filter((variable) => !isRead(variable));
      assert.deepEqual(unknown, [], `${name}: only variables citygraph reads`);
    }
  });
});
