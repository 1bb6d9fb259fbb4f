// journald's limits: options, the drop-in (golden), its scripts and the component under mocks.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { applyScript, Journald, removeScript } from "../../../components/journald";
import { renderDropIn } from "../../../components/journald/render";
import { journaldOptionsSchema } from "../../../components/journald/schema";
import { recorder, value } from "../../support/mocks";

const defaults = journaldOptionsSchema.parse({});

beforeAll(() => {
  pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
    "openclaw-infra",
    "vps1",
    false,
  );
});

describe("journald options", () => {
  it("default to a persistent journal of at most 1G, kept 30 days", () => {
    expect(defaults).toEqual({
      storage: "persistent",
      systemMaxUse: "1G",
      systemKeepFree: "2G",
      systemMaxFileSize: "128M",
      maxRetentionDays: 30,
      compress: true,
    });
  });
  it("refuse a size without its unit and unknown keys", () => {
    expect(journaldOptionsSchema.safeParse({ systemMaxUse: "1000" }).error?.issues[0].message).toBe("must be a size like 1G");
    expect(journaldOptionsSchema.safeParse({ SystemMaxUse: "1G" }).success).toBe(false);
  });
});

describe("journald drop-in", () => {
  it("is a [Journal] section from the options (golden)", async () => {
    await expect(renderDropIn(defaults)).toMatchFileSnapshot("golden/60-openclaw.conf");
  });
  it("follows the options", () => {
    expect(renderDropIn(journaldOptionsSchema.parse({ maxRetentionDays: 7, compress: false }))).toMatch(
      /^MaxRetentionSec=7day\nCompress=no$/m,
    );
  });
  it("restarts journald after writing it, and after removing it", () => {
    expect(applyScript().indexOf("systemctl restart 'systemd-journald.service'")).toBeGreaterThan(applyScript().indexOf("cat >"));
    expect(removeScript()).toContain("rm -f '/etc/systemd/journald.conf.d/60-openclaw.conf'");
    expect(removeScript()).toContain("systemctl restart 'systemd-journald.service'");
  });
  it("is one step, sending the drop-in on stdin and reading it back on refresh", async () => {
    const { find, opts } = recorder();
    new Journald("vps1-journald", { connection: { host: "192.0.2.11", port: 22, user: "root", hostKey: "ssh-ed25519 AAAA" } }, opts);
    const step = find("vps1-journald-limits");
    expect(await value(step.props.stdin)).toBe(renderDropIn(defaults));
    expect(await value(step.props.check)).toContain("/etc/systemd/journald.conf.d/60-openclaw.conf");
  });
});
