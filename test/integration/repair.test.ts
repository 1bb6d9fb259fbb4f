// Drift repair in one pass (issue 13, point 4) on the sandbox with the real engine: for each
// kind of hand change (a package removed; a unit masked, stopped or disabled; a file's content,
// mode or owner changed; a config a running service read changed), ONE `pulumi up --refresh`
// puts the host back, starts each affected service at most once (a mode or owner change alone
// starts nothing), and `pulumi preview --refresh --expect-no-changes` passes right after.
// The changes of each host touch different components, so each host takes one up for all.
// On the shared deployment (shared-deployment.ts): the hosts end as they began.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onHost, printFigures, SandboxStack } from "./harness";
import { sharedDeployment, sharedDeploymentFigure, sharedStacks } from "./shared-deployment";

let vps1: SandboxStack;
let vps2: SandboxStack;
const figures: Record<string, string> = {};
const seconds = (s: number) => `${s.toFixed(1)} s`;

function must(host: string, command: string): string {
  const r = onHost(host, command);
  if (r.code !== 0) throw new Error(`${host}: ${command} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

/** The host's clock, for journalctl --since. */
const hostNow = (host: string) => must(host, "date '+%Y-%m-%d %H:%M:%S'");

/** How often systemd started `unit` since `since` (host time): its "Started" journal lines. */
function startsSince(host: string, unit: string, since: string): number {
  return Number(must(host, `journalctl -q --no-pager -o cat -u ${unit} --since '${since}' | grep -c '^Started ' || true`));
}

/** Enabled and active state of a unit, e.g. "enabled active". */
const unitState = (host: string, unit: string) =>
  must(host, `echo "$(systemctl is-enabled ${unit} || true) $(systemctl is-active ${unit} || true)"`);

/** Content digest, mode and owner of files. */
const fileState = (host: string, files: string[]) => must(host, `sha256sum ${files.join(" ")} && stat -c '%n %a %U:%G' ${files.join(" ")}`);

/** One `up --refresh`, then a `preview --refresh --expect-no-changes` that must pass. */
function repairInOnePass(stack: SandboxStack): void {
  const up = stack.ok(["up", "--yes", "--skip-preview", "--refresh"]);
  figures[`up --refresh ${stack.host}`] = seconds(up.seconds);
  const preview = stack.pulumi(["preview", "--refresh", "--expect-no-changes", "--diff"]);
  figures[`preview --refresh ${stack.host}`] = seconds(preview.seconds);
  expect(preview.code, `a second pass would still change:\n${preview.stdout.slice(-6000)}\n${preview.stderr.slice(-3000)}`).toBe(0);
}

beforeAll(async () => {
  const deployment = await sharedDeployment();
  figures["shared deployment"] = sharedDeploymentFigure(deployment);
  ({ vps1, vps2 } = sharedStacks(deployment));
});

afterAll(() => printFigures("repair", figures));

describe("drift repair converges in one up --refresh", () => {
  it("vps1: a package removed, a unit masked and stopped, a unit stopped: reinstalled, unmasked, enabled, started once each", () => {
    const blackbox = "prometheus-blackbox-exporter.service";
    const nodeExporter = "prometheus-node-exporter.service";
    const promtail = "promtail.service";
    const since = hostNow("vps1");
    must(
      "vps1",
      [
        "DEBIAN_FRONTEND=noninteractive apt-get remove -y -q prometheus-blackbox-exporter >/dev/null",
        `systemctl mask --now ${nodeExporter}`,
        `systemctl stop ${promtail}`,
      ].join(" && "),
    );
    expect(must("vps1", "dpkg-query -W -f='${db:Status-Abbrev}' prometheus-blackbox-exporter || true")).not.toMatch(/^ii/);
    expect(unitState("vps1", nodeExporter)).toBe("masked inactive");

    repairInOnePass(vps1);

    expect(must("vps1", "dpkg-query -W -f='${db:Status-Abbrev}' prometheus-blackbox-exporter")).toMatch(/^ii/);
    for (const unit of [blackbox, nodeExporter, promtail]) {
      expect(unitState("vps1", unit), unit).toBe("enabled active");
      expect(startsSince("vps1", unit, since), unit).toBe(1);
    }
    // Each answered its health check in that up (the drop-in and unit steps wait for it).
  });

  it("vps2: a mode and an owner changed (nothing restarts), a config a running service read edited (one restart), a unit disabled", () => {
    const pgbackrestConf = "/etc/pgbackrest.conf";
    const lokiConfig = "/etc/loki/loki.yaml";
    const nodeExporterArgs = "/etc/default/prometheus-node-exporter";
    const files = [pgbackrestConf, lokiConfig, nodeExporterArgs];
    const before = fileState("vps2", files);
    const since = hostNow("vps2");
    must(
      "vps2",
      [
        `chmod 0644 ${pgbackrestConf}`,
        `chown root:root ${lokiConfig}`,
        `echo '# edited by hand' >> ${nodeExporterArgs}`,
        "systemctl disable --quiet otelcol-contrib.service",
      ].join(" && "),
    );
    expect(fileState("vps2", files)).not.toBe(before);

    repairInOnePass(vps2);

    expect(fileState("vps2", files)).toBe(before);
    // Mode or owner alone: the exporter that reads pgbackrest.conf and Loki keep running as they were.
    expect(startsSince("vps2", "prometheus-pgbackrest-exporter.service", since)).toBe(0);
    expect(startsSince("vps2", "loki.service", since)).toBe(0);
    // The edited ARGS were read by the running node-exporter: put back, and restarted once.
    expect(startsSince("vps2", "prometheus-node-exporter.service", since)).toBe(1);
    // Disabled by hand: enabled again, started at most once.
    expect(unitState("vps2", "otelcol-contrib.service")).toBe("enabled active");
    expect(startsSince("vps2", "otelcol-contrib.service", since)).toBeLessThanOrEqual(1);
  });
});
