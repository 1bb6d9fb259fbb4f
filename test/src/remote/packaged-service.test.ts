// The packaged Debian service factory under Pulumi mocks: its steps in order (hold, package,
// the component's files one after the other, ARGS, drop-in), what each file step is, and what
// the drop-in reads and restarts on.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { checkedFileScript } from "../../../src/remote/checked-file";
import { digest, writeFileScript } from "../../../src/remote/file";
import { packagedDropIn, packagedService, PackagedServicePaths, renderDefaults } from "../../../src/remote/packaged-service";
import { dropInScripts } from "../../../src/remote/systemd";
import { renderUnitFile } from "../../../src/remote/unit-file";
import { recorder, value } from "../../support/mocks";

const connection = { host: "192.0.2.12", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" };
const PATHS: PackagedServicePaths = {
  package: "prometheus-demo-exporter",
  unit: "prometheus-demo-exporter.service",
  binary: "/usr/bin/prometheus-demo-exporter",
  defaults: "/etc/default/prometheus-demo-exporter",
  dropIn: "10-openclaw",
};
const health = { url: "http://10.0.0.2:9999/metrics", expect: "^demo_up 1", unit: PATHS.unit };

beforeAll(() => {
  const mocks = { newResource: (a: pulumi.runtime.MockResourceArgs) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) };
  pulumi.runtime.setMocks(mocks, "openclaw-infra", "vps2", false);
});

/** A component for the factory's steps to hang under, and an extra step for `after`. */
function deploy() {
  const { recorded, find, opts } = recorder();
  const parent = new pulumi.ComponentResource("test:Demo", "demo", {}, opts);
  const role = new pulumi.ComponentResource("test:Role", "demo-role", {}, { ...opts, parent });
  const dropIn = packagedService(
    "demo",
    {
      connection,
      paths: PATHS,
      flags: ["--web.listen-address=10.0.0.2:9999"],
      stockDefaults: 'ARGS=""\n',
      dropIn: packagedDropIn(PATHS, { hardening: [] }),
      files: [
        { step: "token", content: "s3cret", plain: { path: "/etc/demo/token", owner: "root", group: "prometheus", mode: "0640" } },
        { step: "config", content: "a: 1\n", checked: { path: "/etc/demo/demo.yml", checker: "true", checkerName: "demo --check" } },
      ],
      alsoReads: [{ path: "/etc/demo/shared.conf", content: "shared" }],
      after: [role],
      healthCheck: health,
    },
    parent,
  );
  return { recorded, find, dropIn };
}

describe("packagedService", () => {
  it("registers hold, package, each file after the one before, then ARGS (after the last file and `after`) and the drop-in", () => {
    const { recorded } = deploy();
    expect(recorded.filter((r) => r.type.endsWith("RemoteCommand")).map((r) => `${r.name} <- ${r.dependsOn.join(",")}`)).toEqual([
      "demo-hold <- ",
      "demo-package <- demo-hold",
      "demo-token <- demo-package",
      "demo-config <- demo-token",
      "demo-args <- demo-config,demo-role",
      "demo-drop-in <- demo-args",
    ]);
  });

  it("writes a plain file with its owner and mode, a checked one through its checker", async () => {
    const { find } = deploy();
    expect(await value(find("demo-token").props.create)).toBe(writeFileScript("/etc/demo/token", "root", "prometheus", "0640"));
    const checked = checkedFileScript({ path: "/etc/demo/demo.yml", checker: "true", checkerName: "demo --check" });
    expect(await value(find("demo-config").props.create)).toBe(checked);
  });

  it("the drop-in reads ARGS and every file, restarts when any of them changes, and is the step that unmasks and starts", async () => {
    const { find } = deploy();
    const dropIn = find("demo-drop-in").props;
    const reads = [PATHS.defaults, "/etc/demo/token", "/etc/demo/demo.yml", "/etc/demo/shared.conf"];
    expect(await value(dropIn.check)).toBe(dropInScripts({ unit: PATHS.unit, name: PATHS.dropIn, healthCheck: health, reads }).check);
    const defaults = renderDefaults(PATHS, ["--web.listen-address=10.0.0.2:9999"]);
    const expected = await Promise.all([defaults, "s3cret", "a: 1\n", "shared"].map((c) => value(digest(c))));
    expect(await value(dropIn.triggers)).toEqual(expected);
    expect(await value<string>(dropIn.create)).toContain("systemctl unmask --quiet 'prometheus-demo-exporter.service'");
    expect(await value(find("demo-args").props.create)).not.toContain("systemctl");
  });

  it("renders the shared drop-in: network-online ordering, calm restarts, then the component's lines", () => {
    const spec = packagedDropIn(PATHS, {
      argsHold: "listen address",
      service: [["Environment", "A=1"]],
      hardening: [["NoNewPrivileges", "yes"]],
    });
    const text = renderUnitFile(spec);
    expect(text).toContain(`# Its arguments (listen address) are ARGS in ${PATHS.defaults}.\n`);
    expect(text).toContain(
      "[Unit]\n# It binds the host's private address, which may come up after network.target.\nWants=network-online.target\nAfter=network-online.target\n",
    );
    expect(text).toMatch(/\[Service\]\n# A failed bind .*\nRestartSec=5\nEnvironment=A=1\nNoNewPrivileges=yes\n$/);
  });
});
