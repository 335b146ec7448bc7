// The deployment artefacts under deploy/, checked without a cluster: the Kubernetes manifests (resolved
// through their kustomizations by a small loader below, cross-checked with `kubectl kustomize` when the
// machine has it) against the services' own config schemas, routes and labels; docker-compose.yml against
// the manifests; the Prometheus rules and the Grafana dashboard against the metrics the code serves.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import type { z } from "zod";
import { parseConfig } from "#kernel/config.js";
import { routerConfigSchema } from "../router/src/config.js";
import { accountsConfigSchema } from "../subgraphs/accounts/src/config.js";
import { auditConfigSchema } from "../subgraphs/audit/src/config.js";
import { notificationsConfigSchema } from "../subgraphs/notifications/src/config.js";
import { reportingConfigSchema } from "../subgraphs/reporting/src/config.js";
import { transactionsConfigSchema } from "../subgraphs/transactions/src/config.js";
import { usersConfigSchema } from "../subgraphs/users/src/config.js";
import { useSharedPlatform, type SharedPlatform } from "./support/platform.js";
import { ROOT, metricsUrl } from "./support/stack.js";

const DEPLOY = join(ROOT, "deploy");
const K8S = join(DEPLOY, "k8s");
const OVERLAYS = ["dev", "production"] as const;

type Schema = z.ZodObject<z.ZodRawShape>;
const SCHEMAS: Record<string, Schema> = {
  router: routerConfigSchema as unknown as Schema,
  users: usersConfigSchema as unknown as Schema,
  accounts: accountsConfigSchema as unknown as Schema,
  transactions: transactionsConfigSchema as unknown as Schema,
  notifications: notificationsConfigSchema as unknown as Schema,
  audit: auditConfigSchema as unknown as Schema,
  reporting: reportingConfigSchema as unknown as Schema,
};
const SERVICES = Object.keys(SCHEMAS);
const SUBGRAPHS = SERVICES.filter((name) => name !== "router");
/** Who may open a connection to whom: the router to every subgraph, and the subgraphs that call others. */
const CALLERS: Record<string, string[]> = {
  users: ["notifications", "router"],
  accounts: ["router", "users"],
  transactions: ["accounts", "reporting", "router", "users"],
  notifications: ["router", "users"],
  audit: ["router"],
  reporting: ["router"],
};
/**
 * scripts/migrate.ts reads MIGRATION_DATABASE_URL (the owner) and DATABASE_URL (the services' role, whose
 * password it sets), and NODE_ENV; HOME gives the Prisma CLI a writable directory.
 */
const MIGRATE_ENV = ["DATABASE_URL", "HOME", "MIGRATION_DATABASE_URL", "NODE_ENV"];
/** Syntactically valid stand-ins for the Secret's keys (the template's own values are refused on purpose). */
const TEST_SECRETS: Record<string, string> = {
  DATABASE_URL: "postgresql://fedbank_app:pw@postgres.invalid:5432/fedbank",
  MIGRATION_DATABASE_URL: "postgresql://fedbank:pw@postgres.invalid:5432/fedbank",
  REDIS_URL: "redis://redis.invalid:6379",
  ROUTER_IDENTITY_SECRET: "a".repeat(40),
  MFA_ENCRYPTION_KEY: "b".repeat(40),
  JWT_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
  AUDIT_SIGNING_KEY: "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
  POSTGRES_PASSWORD: "pw",
};

// ---------------------------------------------------------------------------------------------------------
// A small kustomize loader: resources (files and directories), namespace, configMapGenerator (create and
// merge), images, replicas, labels, and delete patches by kind. Anything else in a kustomization is refused
// so the loader never silently ignores what kubectl would apply.

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: any };
const SUPPORTED_KEYS = new Set(["apiVersion", "kind", "namespace", "resources", "configMapGenerator", "images", "replicas", "labels", "patches"]);
const CLUSTER_SCOPED = new Set(["Namespace"]);

function readYamlDocuments(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, "utf8")).map((document) => {
    assert.deepEqual(document.errors, [], `${relative(ROOT, file)} parses`);
    return document.toJS() as K8sObject;
  }).filter(Boolean);
}

function loadKustomization(dir: string): K8sObject[] {
  const file = join(dir, "kustomization.yaml");
  assert.ok(existsSync(file), `${relative(ROOT, dir)} has a kustomization.yaml`);
  const kustomization = parseYaml(readFileSync(file, "utf8")) as Record<string, any>;
  for (const key of Object.keys(kustomization)) assert.ok(SUPPORTED_KEYS.has(key), `${relative(ROOT, file)}: '${key}' is not understood by this test's loader`);
  let objects: K8sObject[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = join(dir, resource);
    assert.ok(existsSync(path), `${relative(ROOT, file)} lists ${resource}, which exists`);
    objects.push(...(statSync(path).isDirectory() ? loadKustomization(path) : readYamlDocuments(path)));
  }
  for (const generator of kustomization.configMapGenerator ?? []) {
    const data = Object.fromEntries(
      (generator.literals as string[]).map((literal) => {
        const at = literal.indexOf("=");
        assert.ok(at > 0, `literal ${literal} is KEY=value`);
        return [literal.slice(0, at), literal.slice(at + 1)];
      }),
    );
    const existing = objects.find((object) => object.kind === "ConfigMap" && object.metadata.name === generator.name);
    if (generator.behavior === "merge") {
      assert.ok(existing, `${relative(ROOT, file)} merges into an existing ConfigMap ${generator.name}`);
      for (const key of Object.keys(data)) assert.ok(key in existing.data, `${relative(ROOT, file)} merges ${key}, which the base defines`);
      Object.assign(existing.data, data);
    } else {
      assert.equal(existing, undefined, `ConfigMap ${generator.name} is generated once`);
      objects.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: generator.name }, data });
    }
  }
  for (const patch of kustomization.patches ?? []) {
    const body = parseYaml(patch.patch) as Record<string, unknown>;
    assert.equal(body.$patch, "delete", "only delete patches are used");
    const before = objects.length;
    objects = objects.filter((object) => object.kind !== patch.target.kind);
    assert.ok(objects.length < before, `the delete patch on ${patch.target.kind} removes something`);
  }
  for (const { name, count } of kustomization.replicas ?? []) {
    const target = objects.find((object) => object.kind === "Deployment" && object.metadata.name === name);
    assert.ok(target, `replicas: Deployment ${name} exists`);
    target.spec.replicas = count;
  }
  for (const image of kustomization.images ?? []) {
    for (const container of objects.flatMap(podContainers)) {
      const [name] = String(container.image).split(":");
      if (name === image.name) container.image = `${image.newName ?? image.name}:${image.newTag}`;
    }
  }
  for (const { pairs } of kustomization.labels ?? []) {
    for (const object of objects) object.metadata.labels = { ...object.metadata.labels, ...pairs };
  }
  if (kustomization.namespace) {
    for (const object of objects) if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = kustomization.namespace;
  }
  return objects;
}

function podSpec(object: K8sObject): Record<string, any> | undefined {
  if (object.kind === "Deployment" || object.kind === "StatefulSet" || object.kind === "Job") return object.spec.template.spec;
  return undefined;
}
function podLabels(object: K8sObject): Record<string, string> {
  return object.spec?.template?.metadata?.labels ?? {};
}
function podContainers(object: K8sObject): Record<string, any>[] {
  const spec = podSpec(object);
  return spec ? [...(spec.initContainers ?? []), ...spec.containers] : [];
}
/** Label selector semantics: an empty (or absent) selector matches everything. */
function matches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
}
function byKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((object) => object.kind === kind);
}
function named(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  assert.ok(found, `${kind} ${name} exists`);
  return found;
}

const secretTemplate = readYamlDocuments(join(K8S, "base/secret.template.yaml"))[0]!;

/** A container's environment with ConfigMap and Secret references resolved (secrets: test stand-ins). */
function resolveEnv(objects: K8sObject[], container: Record<string, any>, secrets: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    if ("value" in entry) {
      env[entry.name] = String(entry.value);
      continue;
    }
    const configRef = entry.valueFrom?.configMapKeyRef;
    const secretRef = entry.valueFrom?.secretKeyRef;
    if (configRef) {
      const configMap = named(objects, "ConfigMap", configRef.name);
      assert.ok(configRef.key in configMap.data, `ConfigMap ${configRef.name} has ${configRef.key}`);
      env[entry.name] = configMap.data[configRef.key];
    } else if (secretRef) {
      assert.equal(secretRef.name, secretTemplate.metadata.name, `${entry.name} comes from the templated Secret`);
      assert.ok(secretRef.key in secretTemplate.stringData, `the Secret template documents ${secretRef.key}`);
      assert.ok(secretRef.key in secrets, `${secretRef.key} has a value`);
      env[entry.name] = secrets[secretRef.key]!;
    } else {
      assert.fail(`env ${entry.name} has no value or supported reference`);
    }
  }
  return env;
}

const rendered = Object.fromEntries(OVERLAYS.map((overlay) => [overlay, loadKustomization(join(K8S, "overlays", overlay))])) as Record<
  (typeof OVERLAYS)[number],
  K8sObject[]
>;

describe("deploy/ files parse", () => {
  test("every YAML and JSON file under deploy/ parses", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else files.push(join(dir, entry.name));
      }
    };
    walk(DEPLOY);
    const yamlFiles = files.filter((file) => /\.ya?ml$/.test(file));
    assert.ok(yamlFiles.length >= 15, "the manifests are there");
    for (const file of yamlFiles) assert.ok(readYamlDocuments(file).length > 0, relative(ROOT, file));
    for (const file of files.filter((file) => file.endsWith(".json"))) JSON.parse(readFileSync(file, "utf8"));
  });

  const kubectl = (() => {
    try {
      execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();
  test("kubectl kustomize renders the same objects as this test's loader", { skip: kubectl ? false : "kubectl is not installed" }, () => {
    for (const overlay of OVERLAYS) {
      const output = execFileSync("kubectl", ["kustomize", join(K8S, "overlays", overlay)], { encoding: "utf8" });
      const theirs = parseAllDocuments(output).map((document) => document.toJS() as K8sObject);
      // kustomize suffixes generated ConfigMaps with a content hash.
      const ids = (objects: K8sObject[]) =>
        objects.map((object) => `${object.kind}/${object.metadata.namespace ?? "-"}/${object.metadata.name.replace(/^(fedbank-config)-[a-z0-9]+$/, "$1")}`).sort();
      assert.deepEqual(ids(theirs), ids(rendered[overlay]), overlay);
      for (const deployment of byKind(theirs, "Deployment")) {
        const ours = named(rendered[overlay], "Deployment", deployment.metadata.name);
        assert.equal(deployment.spec.replicas, ours.spec.replicas, `${overlay} ${deployment.metadata.name} replicas`);
        assert.deepEqual(podContainers(deployment).map((c) => c.image), podContainers(ours).map((c) => c.image));
      }
      const configMap = byKind(theirs, "ConfigMap")[0]!;
      assert.deepEqual(configMap.data, named(rendered[overlay], "ConfigMap", "fedbank-config").data, `${overlay} config`);
    }
  });
});

for (const overlay of OVERLAYS) {
  describe(`kubernetes overlay ${overlay}`, () => {
    const objects = rendered[overlay];
    const deployments = byKind(objects, "Deployment");
    const app = deployments.filter((deployment) => SERVICES.includes(deployment.metadata.name));

    test("the router and each subgraph are Deployments running their own entry point", () => {
      assert.deepEqual(app.map((deployment) => deployment.metadata.name).sort(), [...SERVICES].sort());
      for (const deployment of app) {
        const name = deployment.metadata.name;
        const [container] = podContainers(deployment);
        const entry = name === "router" ? "router/src/main.ts" : `subgraphs/${name}/src/main.ts`;
        assert.deepEqual(container!.command, ["node", "--import", "tsx", entry], name);
        assert.ok(existsSync(join(ROOT, entry)), `${entry} exists`);
        assert.ok(matches(deployment.spec.selector.matchLabels, podLabels(deployment)), `${name}: the selector selects its pods`);
        assert.equal(podLabels(deployment)["app.kubernetes.io/name"], name);
      }
      const images = new Set(app.flatMap(podContainers).map((container) => container.image));
      assert.equal(images.size, 1, "one image for every service");
      assert.match([...images][0], /:[\w.-]+$/, "the image is pinned by tag");
    });

    test("every container's env is known to its service's config schema, and satisfies it", () => {
      for (const deployment of app) {
        const name = deployment.metadata.name;
        const schema = SCHEMAS[name]!;
        const [container] = podContainers(deployment);
        const names = (container!.env as { name: string }[]).map((entry) => entry.name);
        assert.equal(new Set(names).size, names.length, `${name}: no variable set twice`);
        const known = new Set(Object.keys(schema.shape));
        assert.deepEqual(names.filter((variable) => !known.has(variable)), [], `${name}: variables its schema does not know`);
        // With the (test) secrets, the schema accepts the environment: nothing required is missing.
        const env = resolveEnv(objects, container!, TEST_SECRETS);
        assert.doesNotThrow(() => parseConfig(schema, env), `${name} starts with this environment`);
        const parsed = parseConfig(schema, env) as Record<string, unknown>;
        assert.equal(parsed.NODE_ENV, "production", `${name} runs with NODE_ENV=production`);
        // With the template's placeholders, it refuses to start (a copied template never runs).
        if (names.includes("ROUTER_IDENTITY_SECRET")) {
          const placeholders = resolveEnv(objects, container!, secretTemplate.stringData);
          assert.throws(() => parseConfig(schema, placeholders), `${name} refuses the template's placeholder secrets`);
        }
      }
    });

    test("the users service reads its signing key from the mounted Secret file", () => {
      const users = named(objects, "Deployment", "users");
      const [container] = podContainers(users);
      const file = (container!.env as { name: string; value?: string }[]).find((entry) => entry.name === "JWT_PRIVATE_KEY_FILE")?.value;
      assert.ok(file, "JWT_PRIVATE_KEY_FILE is set");
      const mount = (container!.volumeMounts as { name: string; mountPath: string }[]).find((m) => file.startsWith(`${m.mountPath}/`));
      assert.ok(mount, "a volume is mounted where the key file is");
      const volume = (podSpec(users)!.volumes as Record<string, any>[]).find((v) => v.name === mount.name);
      assert.equal(volume?.secret?.secretName, "fedbank-secrets");
      assert.deepEqual(volume.secret.items, [{ key: "JWT_PRIVATE_KEY", path: file.slice(mount.mountPath.length + 1) }]);
    });

    test("probes: readiness on /ready, liveness on /health, on the container's own port", () => {
      for (const deployment of app) {
        const [container] = podContainers(deployment);
        const portNames = new Set((container!.ports as { name: string }[]).map((port) => port.name));
        assert.equal(container!.readinessProbe.httpGet.path, "/ready", deployment.metadata.name);
        assert.equal(container!.livenessProbe.httpGet.path, "/health", deployment.metadata.name);
        for (const probe of [container!.readinessProbe, container!.livenessProbe, container!.startupProbe]) {
          assert.ok(portNames.has(probe.httpGet.port), `${deployment.metadata.name}: probe port ${probe.httpGet.port} is declared`);
        }
      }
    });

    test("ports agree: the container listens where its env says, and its Service forwards there", () => {
      for (const deployment of app) {
        const name = deployment.metadata.name;
        const [container] = podContainers(deployment);
        const env = resolveEnv(objects, container!, TEST_SECRETS);
        const parsed = parseConfig(SCHEMAS[name]!, env) as Record<string, number>;
        const listens = parsed[`${name.toUpperCase()}_PORT`];
        const [port] = container!.ports as { name: string; containerPort: number }[];
        assert.equal(port!.containerPort, listens, `${name} listens on its containerPort`);
        const service = named(objects, "Service", name);
        assert.ok(matches(service.spec.selector, podLabels(deployment)), `Service ${name} selects the ${name} pods`);
        const [servicePort] = service.spec.ports;
        assert.equal(servicePort.targetPort, port!.name);
        assert.equal(servicePort.port, listens, `Service ${name} keeps the port the other services' URLs use`);
      }
      // Every in-cluster URL points at an existing Service and its port.
      for (const deployment of app) {
        const env = resolveEnv(objects, podContainers(deployment)[0]!, TEST_SECRETS);
        for (const [variable, value] of Object.entries(env)) {
          if (!/^https?:\/\//.test(value)) continue;
          const url = new URL(value);
          const service = named(objects, "Service", url.hostname);
          assert.equal(service.spec.ports[0].port, Number(url.port), `${deployment.metadata.name} ${variable}`);
        }
      }
    });

    test("hardened pods: non-root, read-only root filesystem, no privilege escalation, requests and limits", () => {
      for (const workload of [...app, named(objects, "Job", "fedbank-migrate")]) {
        const spec = podSpec(workload)!;
        assert.equal(spec.securityContext.runAsNonRoot, true, workload.metadata.name);
        assert.equal(spec.automountServiceAccountToken, false, workload.metadata.name);
        for (const container of podContainers(workload)) {
          assert.equal(container.securityContext.readOnlyRootFilesystem, true, workload.metadata.name);
          assert.equal(container.securityContext.allowPrivilegeEscalation, false, workload.metadata.name);
          assert.deepEqual(container.securityContext.capabilities.drop, ["ALL"]);
          for (const kind of ["requests", "limits"]) {
            assert.ok(container.resources[kind].cpu && container.resources[kind].memory, `${workload.metadata.name} ${kind}`);
          }
          // tsx needs a writable /tmp.
          assert.ok((container.volumeMounts as { mountPath: string }[]).some((m) => m.mountPath === "/tmp"), `${workload.metadata.name} /tmp`);
        }
      }
    });

    test("NetworkPolicies: subgraphs admit only their callers (and Prometheus), and select real pods", () => {
      const policies = byKind(objects, "NetworkPolicy");
      const pods = byKind(objects, "Deployment").concat(byKind(objects, "StatefulSet"));
      const selectsPods = (selector: Record<string, string>) => pods.some((pod) => matches(selector, podLabels(pod)));
      const defaultDeny = policies.find((policy) => Object.keys(policy.spec.podSelector).length === 0);
      assert.ok(defaultDeny && !defaultDeny.spec.ingress, "a default-deny ingress policy covers every pod");
      for (const policy of policies.filter((p) => p !== defaultDeny)) {
        assert.ok(selectsPods(policy.spec.podSelector.matchLabels), `${policy.metadata.name} selects existing pods`);
        for (const rule of policy.spec.ingress ?? []) {
          for (const peer of rule.from ?? []) {
            if (peer.podSelector) assert.ok(selectsPods(peer.podSelector.matchLabels), `${policy.metadata.name}: a peer selects existing pods`);
          }
        }
      }
      for (const subgraph of SUBGRAPHS) {
        const deployment = named(objects, "Deployment", subgraph);
        const applying: K8sObject[] = policies.filter((policy) => policy !== defaultDeny && matches(policy.spec.podSelector.matchLabels, podLabels(deployment)));
        assert.equal(applying.length, 1, `${subgraph}: one policy`);
        const rules = applying[0]!.spec.ingress as { from?: Record<string, any>[]; ports: { port: number }[] }[];
        const callers: string[] = [];
        for (const rule of rules) {
          assert.ok(rule.from && rule.from.length > 0, `${subgraph}: no rule admits everyone`);
          for (const peer of rule.from) {
            if (peer.podSelector) {
              callers.push(...pods.filter((pod) => matches(peer.podSelector.matchLabels, podLabels(pod))).map((pod) => pod.metadata.name));
            } else {
              assert.deepEqual(peer.namespaceSelector, { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } }, `${subgraph}: only Prometheus from outside`);
            }
          }
          assert.deepEqual(rule.ports.map((p) => p.port), [named(objects, "Service", subgraph).spec.ports[0].port]);
        }
        assert.deepEqual(callers.sort(), CALLERS[subgraph], `${subgraph} admits exactly its callers`);
      }
      const router = policies.filter((policy) => matches(policy.spec.podSelector.matchLabels, podLabels(named(objects, "Deployment", "router"))));
      assert.ok(router.some((policy) => policy.spec.ingress?.some((rule: { from?: unknown }) => !rule.from)), "the router admits clients");
    });

    test("only the router is exposed", () => {
      for (const service of byKind(objects, "Service")) {
        assert.ok(!["LoadBalancer", "NodePort"].includes(service.spec.type), `${service.metadata.name} is internal`);
      }
      for (const ingress of byKind(objects, "Ingress")) {
        const backends = ingress.spec.rules.flatMap((rule: any) => rule.http.paths.map((path: any) => path.backend.service.name));
        assert.deepEqual([...new Set(backends)], ["router"]);
      }
    });

    test("availability: PDB for every service, HPA for router and transactions where replicas scale", () => {
      for (const deployment of app) {
        const budgets = byKind(objects, "PodDisruptionBudget").filter((pdb) => matches(pdb.spec.selector.matchLabels, podLabels(deployment)));
        assert.equal(budgets.length, 1, `${deployment.metadata.name} has a PodDisruptionBudget`);
        // A budget that a single replica could never satisfy would block node drains.
        const budget = budgets[0]!.spec;
        assert.ok(budget.maxUnavailable >= 1 || budget.minAvailable < (deployment.spec.replicas ?? 1), `${deployment.metadata.name} can be drained`);
      }
      const autoscalers = byKind(objects, "HorizontalPodAutoscaler");
      if (overlay === "dev") {
        assert.deepEqual(autoscalers, [], "a trial runs one replica of everything");
        for (const deployment of app) assert.equal(deployment.spec.replicas, 1);
      } else {
        assert.deepEqual(autoscalers.map((hpa) => hpa.spec.scaleTargetRef.name).sort(), ["router", "transactions"]);
        for (const hpa of autoscalers) {
          named(objects, "Deployment", hpa.spec.scaleTargetRef.name);
          assert.ok(hpa.spec.minReplicas >= 2, "at least two replicas survive a node loss");
        }
      }
    });

    test("the migration Job runs scripts/migrate.ts with the database URLs only", () => {
      const job = named(objects, "Job", "fedbank-migrate");
      const [container] = podContainers(job);
      assert.deepEqual(container!.command, ["node", "--import", "tsx", "scripts/migrate.ts"]);
      assert.deepEqual((container!.env as { name: string }[]).map((entry) => entry.name).sort(), MIGRATE_ENV);
      assert.equal(podSpec(job)!.restartPolicy, "Never");
      assert.equal(container!.image, podContainers(named(objects, "Deployment", "router"))[0]!.image, "same image as the services");
    });

    if (overlay === "dev") {
      test("the trial overlay runs Postgres and Redis in the cluster, reachable by the services only", () => {
        named(objects, "StatefulSet", "postgres");
        named(objects, "Deployment", "redis");
        for (const name of ["postgres", "redis"]) {
          const service = named(objects, "Service", name);
          assert.ok(selectsAny(objects, service.spec.selector), `Service ${name} selects its pods`);
        }
      });
    }
  });
}

function selectsAny(objects: K8sObject[], selector: Record<string, string>): boolean {
  return [...byKind(objects, "Deployment"), ...byKind(objects, "StatefulSet")].some((pod) => matches(selector, podLabels(pod)));
}

describe("docker-compose.yml and the manifests", () => {
  /**
   * Variables the manifests set and docker-compose.yml does not, each for a reason. JWT_PRIVATE_KEY_FILE
   * stands for compose's JWT_PRIVATE_KEY (the key is a mounted Secret file in Kubernetes).
   */
  const K8S_ONLY: Record<string, Record<string, string>> = {
    router: {
      REDIS_KEY_PREFIX: "same value as the default, explicit for shared Redis instances",
      TRUSTED_PROXIES: "the ingress controller's addresses; compose has no proxy in front of the router",
      PLAYGROUND: "explicit per overlay (on in the trial overlay)",
    },
    users: {
      JWT_PRIVATE_KEY_FILE: "compose passes the PEM as JWT_PRIVATE_KEY",
      REDIS_KEY_PREFIX: "same value as the default, explicit for shared Redis instances",
    },
    accounts: { REDIS_KEY_PREFIX: "same value as the default, explicit for shared Redis instances" },
    transactions: { REDIS_KEY_PREFIX: "same value as the default, explicit for shared Redis instances" },
    notifications: { REDIS_KEY_PREFIX: "same value as the default, explicit for shared Redis instances" },
    migrate: { HOME: "a writable home for the Prisma CLI under a read-only root filesystem" },
  };
  const compose = parseYaml(readFileSync(join(ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as {
    services: Record<string, { command?: string[]; environment?: Record<string, unknown>; profiles?: string[] }>;
  };
  const objects = rendered.production;

  test("the same services", () => {
    // Opt-in one-shots behind a compose profile (`seed`, profile demo: demo data for a laptop) have no
    // cluster counterpart on purpose.
    const appServices = Object.entries(compose.services)
      .filter(([, service]) => service.command && !service.profiles)
      .map(([name]) => name)
      .sort();
    const workloads = [...byKind(objects, "Deployment").map((d) => d.metadata.name), "migrate"].sort();
    assert.deepEqual(appServices, workloads);
  });

  test("the same environment variable names, but for the documented Kubernetes-only ones", () => {
    for (const [name, service] of Object.entries(compose.services).filter(([, s]) => s.command && !s.profiles)) {
      const workload = name === "migrate" ? named(objects, "Job", "fedbank-migrate") : named(objects, "Deployment", name);
      const manifestNames = new Set((podContainers(workload)[0]!.env as { name: string }[]).map((entry) => entry.name));
      const composeNames = new Set(Object.keys(service.environment ?? {}).map((variable) => (variable === "JWT_PRIVATE_KEY" ? "JWT_PRIVATE_KEY_FILE" : variable)));
      assert.deepEqual([...composeNames].filter((variable) => !manifestNames.has(variable)), [], `${name}: set in compose, missing in the manifests`);
      const extra = [...manifestNames].filter((variable) => !composeNames.has(variable));
      assert.deepEqual(extra.filter((variable) => !K8S_ONLY[name]?.[variable]), [], `${name}: set in the manifests only, without a documented reason`);
      if (SCHEMAS[name]) {
        const known = new Set(Object.keys(SCHEMAS[name].shape));
        assert.deepEqual([...Object.keys(service.environment ?? {})].filter((variable) => !known.has(variable)), [], `compose ${name}: unknown variables`);
      }
    }
  });
});

describe("docs/operations.md", () => {
  test("names every variable of every service's config schema", () => {
    const docs = readFileSync(join(ROOT, "docs/operations.md"), "utf8");
    for (const [service, schema] of Object.entries(SCHEMAS)) {
      const missing = Object.keys(schema.shape).filter((variable) => !docs.includes(`\`${variable}\``));
      assert.deepEqual(missing, [], `${service} variables missing from docs/operations.md`);
    }
  });
});

describe("monitoring: alert rules and dashboard use real metrics", () => {
  const alertsText = readFileSync(join(DEPLOY, "prometheus/alerts.yml"), "utf8");
  const future = new Set([...alertsText.matchAll(/^# future: (fedbank_\w+)/gm)].map((match) => match[1]!));
  const sources = collectSources([join(ROOT, "router/src"), join(ROOT, "kernel"), join(ROOT, "domain"), join(ROOT, "subgraphs")]);

  /** Served by the code: the name appears literally, or as `${prefix}_…` with the fedbank prefix. */
  function served(metric: string): boolean {
    const base = metric.replace(/_(bucket|sum|count)$/, "");
    if (sources.includes(`"${base}"`)) return true;
    if (sources.includes(`\`\${prefix}${base.slice("fedbank".length)}\``)) return true;
    // prom-client default metrics, registered with the service name as prefix (router: fedbank_router_).
    return /^fedbank_router_(process_|nodejs_)/.test(base) && sources.includes('prefix: "fedbank_router_"');
  }

  /** The raw text of one rule in alerts.yml, comments included. */
  function ruleText(alert: string): string {
    const start = alertsText.indexOf(`- alert: ${alert}\n`);
    const next = alertsText.indexOf("- alert: ", start + 1);
    return alertsText.slice(start, next === -1 ? undefined : next);
  }

  /** Metric names in a PromQL expression, histogram series folded into their histogram. */
  function metricsIn(expr: string): string[] {
    return [...new Set([...expr.matchAll(/\b(fedbank_[a-z0-9_]+)/g)].map((match) => match[1]!.replace(/_(bucket|sum|count)$/, "")))];
  }

  test("alerts.yml parses as Prometheus rule groups; every metric is served or listed as future", () => {
    const rules = parseYaml(alertsText) as { groups: { name: string; rules: { alert: string; expr: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[] };
    const names = rules.groups.flatMap((group) => group.rules.map((rule) => rule.alert));
    assert.equal(new Set(names).size, names.length, "alert names are unique");
    for (const required of ["FedbankHighErrorRate", "FedbankHighLatency", "FedbankConsumerLag", "FedbankAuditChainBroken"]) {
      assert.ok(names.includes(required), `${required} is defined`);
    }
    for (const rule of rules.groups.flatMap((group) => group.rules)) {
      assert.ok(["critical", "warning"].includes(rule.labels.severity!), `${rule.alert} severity`);
      assert.ok(rule.annotations.summary, `${rule.alert} summary`);
      assert.equal(balanced(rule.expr), true, `${rule.alert}: brackets balance`);
      for (const metric of metricsIn(rule.expr)) {
        assert.ok(served(metric) || future.has(metric), `${rule.alert}: ${metric} is neither served nor listed as future`);
        if (!served(metric)) assert.match(ruleText(rule.alert), /# Future metric/, `${rule.alert} says it waits for ${metric}`);
      }
    }
    assert.ok(served("fedbank_router_requests_total") && served("fedbank_subgraph_requests_total"), "the check finds served metrics");
    assert.ok(!served("fedbank_no_such_metric_total"), "the check refuses unknown metrics");
  });

  test("the Grafana dashboard parses; every panel's metrics are served or listed as future (and say so)", () => {
    const dashboard = JSON.parse(readFileSync(join(DEPLOY, "grafana/fedbank-dashboard.json"), "utf8")) as {
      uid: string;
      panels: { id: number; title: string; targets: { expr: string }[] }[];
    };
    assert.equal(dashboard.uid, "fedbank-overview");
    const ids = dashboard.panels.map((panel) => panel.id);
    assert.equal(new Set(ids).size, ids.length, "panel ids are unique");
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        assert.equal(balanced(target.expr), true, `${panel.title}: brackets balance`);
        for (const metric of metricsIn(target.expr)) {
          assert.ok(served(metric) || future.has(metric), `${panel.title}: ${metric} is neither served nor listed as future`);
          if (!served(metric)) assert.match(panel.title, /\(future metric\)/, `${panel.title} is marked as future`);
        }
      }
    }
  });
});

describe("the probed endpoints answer on the real platform", () => {
  // Probes and /metrics only: the run's shared platform.
  const stack = useSharedPlatform();

  test("every Deployment's liveness and readiness paths return 200 on its service", async () => {
    for (const deployment of byKind(rendered.production, "Deployment")) {
      const name = deployment.metadata.name as keyof SharedPlatform["ports"];
      const [container] = podContainers(deployment);
      for (const probe of [container!.livenessProbe, container!.readinessProbe, container!.startupProbe]) {
        const response = await fetch(`http://127.0.0.1:${stack.ports[name]}${probe.httpGet.path}`);
        assert.equal(response.status, 200, `${name} ${probe.httpGet.path}`);
        await response.body?.cancel();
      }
    }
  });

  test("every metric an alert rule or a dashboard panel uses is served by at least one running service", async () => {
    const texts = await Promise.all(Object.values(stack.ports).map(async (port) => (await fetch(metricsUrl(port))).text()));
    const servedFamilies = new Set(texts.flatMap((text) => [...text.matchAll(/^# TYPE (\w+) /gm)].map((match) => match[1]!)));
    const rules = parseYaml(readFileSync(join(DEPLOY, "prometheus/alerts.yml"), "utf8")) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const dashboard = JSON.parse(readFileSync(join(DEPLOY, "grafana/fedbank-dashboard.json"), "utf8")) as { panels: { title: string; targets: { expr: string }[] }[] };
    const uses = [
      ...rules.groups.flatMap((group) => group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr }))),
      ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ where: `panel ${panel.title}`, expr: target.expr }))),
    ];
    const missing = uses.flatMap(({ where, expr }) =>
      [...expr.matchAll(/\b(fedbank_[a-z0-9_]+)/g)]
        .map((match) => match[1]!.replace(/_(bucket|sum|count)$/, ""))
        .filter((metric) => !servedFamilies.has(metric))
        .map((metric) => `${where}: ${metric}`),
    );
    assert.deepEqual(missing, []);
  });

  test("the Prometheus scrape annotations point at /metrics that serve the documented metrics", async () => {
    for (const deployment of byKind(rendered.production, "Deployment")) {
      const name = deployment.metadata.name as keyof SharedPlatform["ports"];
      const annotations = deployment.spec.template.metadata.annotations;
      assert.equal(annotations["prometheus.io/scrape"], "true");
      const container = podContainers(deployment)[0]!;
      const scrapePort = Number(annotations["prometheus.io/port"]);
      assert.ok(container.ports.some((port: { containerPort: number }) => port.containerPort === scrapePort), `${name}: scrapes a port the pod declares`);
      if (name === "router") {
        // The router's metrics are on its admin port, never on the port the Service and the Ingress route to.
        const publicPort = container.ports.find((port: { name: string }) => port.name === "http").containerPort;
        assert.notEqual(scrapePort, publicPort);
        const adminPort = (container.env as { name: string; value?: string }[]).find((entry) => entry.name === "ROUTER_ADMIN_PORT")?.value;
        assert.equal(Number(adminPort), scrapePort);
        const service = named(rendered.production, "Service", "router");
        assert.ok(!service.spec.ports.some((port: { targetPort: unknown }) => port.targetPort === "admin" || port.targetPort === scrapePort), "the admin port is not in the Service");
      } else {
        assert.equal(scrapePort, container.ports[0].containerPort);
      }
      const text = await (await fetch(metricsUrl(stack.ports[name]).replace(/\/metrics$/, annotations["prometheus.io/path"]))).text();
      assert.match(text, name === "router" ? /^# TYPE fedbank_router_requests_total counter/m : /^# TYPE fedbank_sql_statements_total gauge/m, name);
    }
  });
});

function balanced(expr: string): boolean {
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  const stack: string[] = [];
  for (const char of expr.replace(/"[^"]*"/g, '""')) {
    if ("([{".includes(char)) stack.push(char);
    else if (char in pairs && stack.pop() !== pairs[char]) return false;
  }
  return stack.length === 0;
}

function collectSources(dirs: string[]): string {
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "generated" && entry.name !== "node_modules") walk(path);
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
        parts.push(readFileSync(path, "utf8"));
      }
    }
  };
  for (const dir of dirs) walk(dir);
  return parts.join("\n");
}
