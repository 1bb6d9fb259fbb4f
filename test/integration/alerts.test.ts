// Prometheus, its targets and an alert end to end on the sandbox, on the shared deployment
// (shared-deployment.ts: vps2 then vps1 onto reset hosts, with Alertmanager's webhook pointing
// at a receiver this test runs on the sandbox bridge and the gateway alert's `for:` shortened
// through its typed option). Then: every
// target the registry derives for the topology is up; stopping the gateway on vps1 brings
// GatewayUnhealthy to the receiver firing, starting it brings it resolved; the webhook's
// bearer token (a secret) reaches the receiver and no other user on vps2.
import * as http from "http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStackConfig } from "../../sandbox/stack";
import { ALERTMANAGER_USER } from "../../components/alertmanager/schema";
import { PROMETHEUS_USER } from "../../components/prometheus/schema";
import { instancePaths } from "../../components/gateway-service/schema";
import { PATHS as UPDATES } from "../../components/updates/render";
import { scrapeJobs } from "../../src/registry";
import { basicAuth, onHost, printFigures, privateAddress, viaSsh } from "./harness";
import { sharedDeployment, sharedDeploymentFigure, sharedSecret } from "./shared-deployment";

/** vps1's second gateway instance (SANDBOX_OPTIONS): the one stopped, while the default one must go on answering. */
const WORK = { unit: instancePaths("work").unit, name: "work" };
const DEFAULT_HEALTH = "curl -fsS http://127.0.0.1:18789/health";

interface Notification {
  status: "firing" | "resolved";
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string }[];
  authorization?: string;
  at: number;
}

let webhookToken: string;
let exporterPassword: string;
let vps2ConfigFile: string;
let prometheusUrl: string;
let alertmanagerUrl: string;
/** The basic auth headers of each API. */
let prometheusLogin: { Authorization: string };
let alertmanagerLogin: { Authorization: string };
let receiver: http.Server;
const received: Notification[] = [];
const figures: Record<string, string> = {};
const started = Date.now();

/** Alertmanager's webhook receiver, where the shared deployment points the webhook (on the sandbox bridge only). */
async function startReceiver(webhookUrl: string): Promise<void> {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      try {
        received.push({ ...JSON.parse(body), authorization: req.headers.authorization, at: Date.now() });
      } catch {
        // Not Alertmanager's JSON: ignored.
      }
      res.end("ok");
    });
  });
  const { hostname, port } = new URL(webhookUrl);
  await new Promise<void>((resolve, reject) => receiver.once("error", reject).listen(Number(port), hostname, resolve));
}

async function waitFor<T>(what: string, seconds: number, probe: () => Promise<T | undefined>, explain: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s. ${await explain()}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

interface Target {
  labels: Record<string, string>;
  health: string;
  lastError: string;
}
async function activeTargets(): Promise<Target[]> {
  const r = await fetch(`${prometheusUrl}/api/v1/targets?state=active`, { headers: prometheusLogin });
  return ((await r.json()) as { data: { activeTargets: Target[] } }).data.activeTargets;
}

/**
 * The alert `name` of a notification received after `since`, if it has `status` and
 * started after `startedAfter`. Alertmanager retries a webhook that failed (the deploy's alert,
 * from before vps1's gateway answered, went out before this file's receiver listened), so a
 * late delivery of an older alert must not pass for the one this test causes: the alert's own
 * startsAt tells them apart.
 */
function alertAt(name: string, status: Notification["status"], since: number, startedAfter: number) {
  return () =>
    Promise.resolve(
      received
        .filter((n) => n.at >= since && n.status === status)
        .flatMap((n) => n.alerts.map((alert) => ({ notification: n, alert })))
        .find(({ alert }) => alert.labels.alertname === name && alert.status === status && Date.parse(alert.startsAt) >= startedAfter),
    );
}

/** Every notification so far, with its alerts and when it came relative to `marks`, for a failure message. */
function receivedLog(marks: Record<string, number>): string {
  const times = Object.entries(marks).map(([name, at]) => `${name} at ${new Date(at).toISOString()}`);
  const lines = received.map(
    (n) =>
      `${new Date(n.at).toISOString()} ${n.status}: ${n.alerts.map((a) => `${a.labels.alertname}@${a.labels.host} ${a.status} ${a.startsAt}..${a.endsAt}`).join(", ")}`,
  );
  return `${times.join(", ")}; received:\n${lines.join("\n")}`;
}

type Fired = NonNullable<Awaited<ReturnType<ReturnType<typeof alertAt>>>>;

/**
 * Runs `cause` on vps1, waits for `alert` firing at the webhook and `check`s it, then (whatever
 * failed) runs `undo` and waits for the alert resolved; both delays go to the figures.
 */
async function firesAndResolves(a: {
  alert: string;
  seconds: number;
  cause: { command: string; figure: string };
  undo: { command: string; figure: string };
  check: (firing: Fired) => void;
}): Promise<void> {
  const caused = Date.now();
  expect(onHost("vps1", a.cause.command).code).toBe(0);
  let undone = Date.now();
  try {
    const firing = await waitFor(`${a.alert} firing at the webhook`, a.seconds, alertAt(a.alert, "firing", caused, caused), async () =>
      receivedLog({ caused }),
    );
    figures[`${a.cause.figure} -> firing at the webhook`] = `${((firing.notification.at - caused) / 1000).toFixed(0)} s`;
    a.check(firing);
  } finally {
    // Marked before the undo: it blocks this process until the host is done, and a
    // notification Alertmanager sent meanwhile is stamped when it is read, after it.
    undone = Date.now();
    expect(onHost("vps1", a.undo.command).code).toBe(0);
  }
  const resolved = await waitFor(`${a.alert} resolved at the webhook`, a.seconds, alertAt(a.alert, "resolved", undone, caused), async () =>
    receivedLog({ caused, undone }),
  );
  figures[`${a.undo.figure} -> resolved at the webhook`] = `${((resolved.notification.at - undone) / 1000).toFixed(0)} s`;
}

beforeAll(async () => {
  const deployment = await sharedDeployment();
  figures["shared deployment"] = sharedDeploymentFigure(deployment);
  await startReceiver(deployment.alertWebhook);
  webhookToken = sharedSecret(deployment, "vps2", "alertmanagerWebhookToken");
  exporterPassword = sharedSecret(deployment, "vps2", "postgresExporterPassword");
  prometheusLogin = basicAuth(PROMETHEUS_USER, sharedSecret(deployment, "vps2", "prometheusPassword"));
  alertmanagerLogin = basicAuth(ALERTMANAGER_USER, sharedSecret(deployment, "vps2", "alertmanagerPassword"));
  vps2ConfigFile = deployment.stacks.vps2.configFile;
  const vps2 = privateAddress("vps2");
  prometheusUrl = await viaSsh("vps2", vps2, 9090);
  alertmanagerUrl = await viaSsh("vps2", vps2, 9093);
});

afterAll(async () => {
  printFigures("alerts", figures);
  receiver?.close();
});

describe("Prometheus and Alertmanager on the sandbox", () => {
  it("ask for basic auth: no query or silence without the password, through the operator's SSH tunnel too", async () => {
    const silence = {
      matchers: [{ name: "alertname", value: ".+", isRegex: true }],
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
      createdBy: "anyone",
      comment: "everything",
    };
    const post = (headers: Record<string, string>) =>
      fetch(`${alertmanagerUrl}/api/v2/silences`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body: JSON.stringify(silence),
      });
    expect((await fetch(`${prometheusUrl}/api/v1/query?query=up`)).status).toBe(401);
    expect((await fetch(`${prometheusUrl}/api/v1/query?query=up`, { headers: basicAuth(PROMETHEUS_USER, "wrong-password") })).status).toBe(
      401,
    );
    expect((await post({})).status).toBe(401);
    expect((await fetch(`${prometheusUrl}/api/v1/query?query=up`, { headers: prometheusLogin })).status).toBe(200);
    expect((await fetch(`${alertmanagerUrl}/api/v2/silences`, { headers: alertmanagerLogin })).status).toBe(200);
  });

  it("scrapes every target the registry derives for the topology, each up", async () => {
    const jobs = scrapeJobs(readStackConfig(vps2ConfigFile));
    // A target is its job, address and host, and for the gateway's probe its instance: one probe per instance.
    const key = (job: string, instance: string, labels: Record<string, string>) =>
      `${job} ${instance} host=${labels.host}${labels.instance_name ? ` instance_name=${labels.instance_name}` : ""}`;
    const expected = jobs.flatMap((j) => j.groups.flatMap((g) => g.targets.map((t) => key(j.job, t, g.labels))));
    expect(expected.filter((e) => e.startsWith("gateway "))).toEqual([
      "gateway 10.231.1.11:9115 host=vps1 instance_name=default",
      "gateway 10.231.1.11:9115 host=vps1 instance_name=work",
    ]);
    expect(expected.length).toBeGreaterThan(5);
    const t0 = Date.now();
    await waitFor(
      "every derived target up",
      90,
      async () => {
        const up = new Set(
          (await activeTargets()).filter((t) => t.health === "up").map((t) => key(t.labels.job, t.labels.instance, t.labels)),
        );
        return expected.every((e) => up.has(e)) ? true : undefined;
      },
      async () => {
        const all = await activeTargets();
        const line = (e: string) => {
          const t = all.find((x) => key(x.labels.job, x.labels.instance, x.labels) === e);
          return `  ${e}: ${t ? `${t.health} ${t.lastError}` : "not a target of Prometheus"}`;
        };
        return `Targets:\n${expected.map(line).join("\n")}`;
      },
    );
    figures["all targets up after"] = `${((Date.now() - t0) / 1000).toFixed(0)} s`;
  });

  it("sends GatewayUnhealthy naming the instance that stopped, while the other answers, and resolved when it is back", async () => {
    // A GatewayUnhealthy still active from the deploy (a probe before the gateway answered)
    // would swallow the one this test causes: Alertmanager notifies an alert it already has
    // only after repeat_interval. Wait until it has none.
    await waitFor(
      "no active GatewayUnhealthy at Alertmanager before the stop",
      180,
      async () => {
        const r = await fetch(`${alertmanagerUrl}/api/v2/alerts?active=true&filter=alertname%3D%22GatewayUnhealthy%22`, {
          headers: alertmanagerLogin,
        });
        return r.ok && ((await r.json()) as unknown[]).length === 0 ? true : undefined;
      },
      async () => "Alertmanager still has it active",
    );
    await firesAndResolves({
      alert: "GatewayUnhealthy",
      seconds: 180,
      cause: { command: `systemctl stop ${WORK.unit}`, figure: `gateway instance ${WORK.name} stopped` },
      undo: { command: `systemctl start ${WORK.unit}`, figure: `gateway instance ${WORK.name} started` },
      check: (firing) => {
        expect(firing.alert.labels).toMatchObject({ host: "vps1", job: "gateway", severity: "critical", instance_name: WORK.name });
        expect(firing.alert.annotations.summary).toBe(`the gateway instance ${WORK.name} on vps1 does not answer /health`);
        // Only that instance: no alert names the default one, which answers all along.
        const others = received
          .flatMap((n) => n.alerts)
          .filter((a) => a.labels.alertname === "GatewayUnhealthy" && a.labels.instance_name !== WORK.name);
        expect(others.filter((a) => Date.parse(a.startsAt) >= Date.parse(firing.alert.startsAt) - 1000)).toEqual([]);
        expect(onHost("vps1", DEFAULT_HEALTH).code).toBe(0);
        expect(firing.notification.authorization).toBe(`Bearer ${webhookToken}`);
      },
    });
  });

  it("sends RebootRequired naming the host when an update asks for a reboot, and resolved once the host no longer does", async () => {
    // What a package's postinst does (Debian policy 9.12), then the metric's own unit, as its
    // timer runs it every few minutes and at boot (when /run starts empty).
    const metric = `systemctl start ${UPDATES.metricUnit}.service`;
    await firesAndResolves({
      alert: "RebootRequired",
      seconds: 120,
      cause: { command: `touch /run/reboot-required && ${metric}`, figure: "reboot flagged" },
      undo: { command: `rm -f /run/reboot-required && ${metric}`, figure: "reboot done" },
      check: (firing) => expect(firing.alert.labels).toMatchObject({ host: "vps1", severity: "warning" }),
    });
  });

  it("keeps the webhook token and the exporter's password from every other user on vps2, and off command lines and environments", () => {
    const secrets = [webhookToken, exporterPassword];
    const readable = onHost(
      "vps2",
      "runuser -u nobody -- grep -rlsF -f - --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev / || true",
      secrets.join("\n") + "\n",
    ).stdout.trim();
    expect(readable).toBe("");
    for (const file of ["/etc/prometheus/alertmanager-webhook-token", "/etc/prometheus/postgres-exporter.password"]) {
      expect(onHost("vps2", `stat -c '%U:%G %a' ${file}`).stdout.trim()).toBe("root:prometheus 640");
    }
    const visible = onHost("vps2", "ps -eo args; cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n'").stdout;
    for (const secret of secrets) expect(visible).not.toContain(secret);
    figures["test run"] = `${((Date.now() - started) / 1000).toFixed(0)} s`;
  });
});
