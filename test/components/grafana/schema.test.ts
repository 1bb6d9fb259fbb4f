// Grafana's options: what each refusal says, and the defaults.
import { describe, expect, it } from "vitest";
import { adminPasswordSchema, grafanaOptionsSchema } from "../../../components/grafana/schema";
import { formatIssues } from "../../../src/validate";

const messages = (input: unknown) => {
  const r = grafanaOptionsSchema.safeParse(input);
  return r.success ? [] : formatIssues("grafana.", r.error.issues);
};
const FINGERPRINT = "A".repeat(40);

describe("Grafana options", () => {
  it("requires the key fingerprint when Grafana runs, checked by hand", () => {
    expect(messages({}).join("\n")).toContain("grafana.install.keyFingerprint");
    expect(messages({}).join("\n")).toContain("gpg --show-keys");
    expect(messages({ install: {} }).join("\n")).toContain("is required: the 40 hex digits of the key at keyUrl");
  });
  it("refuses a fingerprint that is not 40 uppercase hex digits", () => {
    expect(messages({ install: { keyFingerprint: "b53a e77b" } }).join("\n")).toContain("must be a full OpenPGP fingerprint");
  });
  it("needs no install when switched off, and waits for health only when running", () => {
    expect(grafanaOptionsSchema.parse({ run: false })).toMatchObject({ run: false, waitForHealthy: false, port: 3000, adminUser: "admin" });
    expect(grafanaOptionsSchema.parse({ install: { keyFingerprint: FINGERPRINT } })).toMatchObject({ run: true, waitForHealthy: true });
    expect(messages({ run: false, waitForHealthy: true }).join("\n")).toContain("cannot be true with run: false");
  });
  it("refuses unknown options", () => {
    expect(messages({ run: false, adminPassword: "x" }).join("\n")).toContain("adminPassword");
  });
  it("wants an admin password of one line and at least 12 characters", () => {
    expect(adminPasswordSchema.safeParse("short").success).toBe(false);
    expect(adminPasswordSchema.safeParse("long enough pass\nx").success).toBe(false);
    expect(adminPasswordSchema.safeParse("long enough password").success).toBe(true);
  });
});
