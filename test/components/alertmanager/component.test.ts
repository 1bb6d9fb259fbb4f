// Alertmanager's resource graph under Pulumi mocks: its login (password and web config) and
// the receiver credentials written plain and secret before the checked config, the restart
// triggers, and the health wait logging in.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Alertmanager, AlertmanagerArgs } from "../../../components/alertmanager";
import { HOST_KEY_2 } from "../../fixtures/config";
import { recorder, value } from "../../support/mocks";
import { expectLoginFiles } from "../../support/web-auth";

const connection = { host: "192.0.2.12", port: 22, user: "root", hostKey: HOST_KEY_2 };
const PASSWORD = "alertmanager-password-0123456789";
const TOKEN = "webhook-token-0123456789";

beforeAll(() => {
  pulumi.runtime.setMocks(
    { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) },
    "openclaw-infra",
    "vps2",
    false,
  );
});

function deploy(options: Partial<AlertmanagerArgs> = {}) {
  const { recorded, find, opts } = recorder();
  new Alertmanager("vps2-alertmanager", { connection, listenAddress: "10.0.0.2", secrets: { password: PASSWORD }, ...options }, opts);
  return { recorded, find };
}

describe("Alertmanager", () => {
  it("writes its password and web config, then the receivers' credentials, then the checked config", () => {
    const { recorded } = deploy({
      webhook: { url: "https://hooks.example.com/x", bearerToken: true },
      secrets: { password: PASSWORD, webhookToken: TOKEN },
    });
    expect(recorded.map((r) => `${r.name} <- ${r.dependsOn.join(",")}`)).toEqual([
      "vps2-alertmanager <- ",
      "vps2-alertmanager-hold <- ",
      "vps2-alertmanager-package <- vps2-alertmanager-hold",
      "vps2-alertmanager-password <- vps2-alertmanager-package",
      "vps2-alertmanager-web-config <- vps2-alertmanager-password",
      "vps2-alertmanager-webhook-token <- vps2-alertmanager-web-config",
      "vps2-alertmanager-config <- vps2-alertmanager-webhook-token",
      "vps2-alertmanager-args <- vps2-alertmanager-config",
      "vps2-alertmanager-drop-in <- vps2-alertmanager-args",
    ]);
  });

  it("puts the password and the web config only on stdin, secret, in root:prometheus 0640 files", async () => {
    const { recorded, find } = deploy();
    await expectLoginFiles(recorded, find, "vps2-alertmanager", "operator", PASSWORD);
  });

  it("restarts when the password changes, and its health wait logs in with the password file", async () => {
    const triggers = async (password: string) => value(deploy({ secrets: { password } }).find("vps2-alertmanager-drop-in").props.triggers);
    expect(await triggers(`${PASSWORD}x`)).not.toEqual(await triggers(PASSWORD));
    expect(await value<string>(deploy().find("vps2-alertmanager-drop-in").props.create)).toContain(
      `'/etc/prometheus/alertmanager-password')" | curl -fsS --max-time 2 -K - 'http://10.0.0.2:9093/-/ready'`,
    );
  });
});
