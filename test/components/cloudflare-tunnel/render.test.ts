import { describe, expect, it } from "vitest";
import { hardening } from "../../../src/hardening";
import {
  dnsTarget,
  publicUrl,
  readyUrl,
  renderCheckVersion,
  renderExecStart,
  renderIngress,
  renderInstallBinary,
  renderUninstallBinary,
  renderUnit,
  unitSpec,
} from "../../../components/cloudflare-tunnel/render";
import { cloudflaredOptionsSchema } from "../../../components/cloudflare-tunnel/schema";
import { BINARY_SHA, KEY_FINGERPRINT, TUNNEL_ID } from "./fixtures";

const apt = cloudflaredOptionsSchema.parse({ install: { from: "apt", keyFingerprint: KEY_FINGERPRINT } });
const binary = cloudflaredOptionsSchema.parse({
  install: { from: "binary", url: "http://mirror.test/cloudflared-linux-amd64", sha256: BINARY_SHA },
  protocol: "http2",
  metricsPort: 20300,
});

describe("cloudflared rendering (golden files)", () => {
  it("renders the hardened unit", async () => {
    await expect(renderUnit(apt)).toMatchFileSnapshot("golden/cloudflared.service");
  });
  it("renders the binary install with its version check", async () => {
    const script =
      renderInstallBinary({ url: "http://mirror.test/cloudflared-linux-amd64", sha256: BINARY_SHA }) +
      renderCheckVersion("/usr/local/bin/cloudflared");
    await expect(script).toMatchFileSnapshot("golden/install-cloudflared.sh");
  });
  it("renders the version check with a pin", async () => {
    await expect(renderCheckVersion("/usr/bin/cloudflared", "2025.11.1")).toMatchFileSnapshot("golden/check-cloudflared.sh");
  });
});

describe("cloudflared unit", () => {
  it("is deterministic", () => {
    expect(renderUnit(apt)).toBe(renderUnit(cloudflaredOptionsSchema.parse({ install: { from: "apt", keyFingerprint: KEY_FINGERPRINT } })));
  });

  it("reads the token as a systemd credential from the root-only file, never from the command line", () => {
    const unit = renderUnit(apt);
    expect(unit).toContain("DynamicUser=yes\n");
    expect(unit).toContain("LoadCredential=token:/etc/cloudflared/token\n");
    expect(unit).toContain(
      "ExecStart=/usr/bin/cloudflared tunnel --no-autoupdate --metrics 127.0.0.1:20241 run --token-file ${CREDENTIALS_DIRECTORY}/token\n",
    );
    expect(unit).not.toMatch(/--token(?!-file)/);
    expect(unit).not.toMatch(/TUNNEL_TOKEN|EnvironmentFile/);
  });

  it("runs the binary of its install method, with the chosen metrics port and protocol", () => {
    expect(renderExecStart(binary)).toBe(
      "/usr/local/bin/cloudflared tunnel --no-autoupdate --metrics 127.0.0.1:20300 --protocol http2 run --token-file ${CREDENTIALS_DIRECTORY}/token",
    );
    expect(readyUrl(binary.metricsPort)).toBe("http://127.0.0.1:20300/ready");
  });

  it("is rendered from its spec, with the shared policy merged in through spec.hardening", () => {
    expect(unitSpec(apt).hardening).toEqual(hardening());
    expect(unitSpec(cloudflaredOptionsSchema.parse({ ...apt, hardening: false })).hardening).toEqual([]);
  });

  it("hardens by default and only drops hardening when asked", () => {
    const hardened = renderUnit(apt);
    for (const [key, value] of hardening()) expect(hardened).toContain(`\n${key}=${value}\n`);
    for (const line of [
      "ProtectSystem=strict",
      "CapabilityBoundingSet=",
      "MemoryDenyWriteExecute=yes",
      "PrivateUsers=yes",
      "SystemCallFilter=~@privileged @resources",
    ]) {
      expect(hardened).toContain(`\n${line}\n`);
    }
    const open = renderUnit(cloudflaredOptionsSchema.parse({ ...apt, hardening: false }));
    expect(open).not.toContain("ProtectSystem");
    expect(open).not.toContain("CapabilityBoundingSet");
    // Still unprivileged and still reading the token as a credential.
    expect(open).toContain("DynamicUser=yes\n");
    expect(open).toContain("LoadCredential=token:/etc/cloudflared/token\n");
    expect(open).toContain("MemoryMax=256M\n");
  });
});

describe("tunnel routing", () => {
  it("routes the hostname to the gateway first and everything else to a 404 last", () => {
    expect(renderIngress("claw.example.com", "http://127.0.0.1:18789")).toEqual([
      { hostname: "claw.example.com", service: "http://127.0.0.1:18789" },
      { service: "http_status:404" },
    ]);
  });
  it("routes each hostname to its own gateway, in order, and everything else to a 404 last", () => {
    const routes = [
      { hostname: "claw.example.com", origin: "http://127.0.0.1:18789" },
      { hostname: "work-claw.example.com", origin: "http://127.0.0.1:18909" },
    ];
    expect(renderIngress(routes)).toEqual([
      { hostname: "claw.example.com", service: "http://127.0.0.1:18789" },
      { hostname: "work-claw.example.com", service: "http://127.0.0.1:18909" },
      { service: "http_status:404" },
    ]);
    expect(renderIngress(routes.slice(0, 1))).toEqual(renderIngress("claw.example.com", "http://127.0.0.1:18789"));
  });
  it("points the CNAME at the tunnel and publishes an https URL", () => {
    expect(dnsTarget(TUNNEL_ID)).toBe(`${TUNNEL_ID}.cfargotunnel.com`);
    expect(publicUrl("claw.example.com")).toBe("https://claw.example.com");
  });
});

describe("cloudflared install scripts", () => {
  it("removes only the binary it installed", () => {
    const script = renderUninstallBinary({ sha256: BINARY_SHA });
    expect(script).toContain(`echo '${BINARY_SHA}'"  $bin" | sha256sum --check --status`);
    expect(script).toContain("bin='/usr/local/bin/cloudflared'");
  });
  it("refuses a cloudflared without --token-file", () => {
    expect(renderCheckVersion("/usr/bin/cloudflared")).toContain(`dpkg --compare-versions "$version" ge '2025.4.0'`);
    expect(renderCheckVersion("/usr/bin/cloudflared")).not.toContain("pinned");
  });
});
