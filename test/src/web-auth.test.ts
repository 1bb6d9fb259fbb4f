// The web config's bcrypt hash: stable for a password (no diff between previews), checked by
// bcrypt itself, and the file accepted by the real promtool check web-config (the
// exporter-toolkit's own reader).
import * as bcrypt from "bcryptjs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { bcryptHash, webConfig } from "../../src/web-auth";
import { runTool } from "../support/prometheus-tools";

const password = "0123456789abcdef".repeat(4);

describe("webConfig", () => {
  it("renders the same file for the same password, another for another", () => {
    expect(webConfig("operator", password)).toBe(webConfig("operator", password));
    expect(bcryptHash(`${password}x`)).not.toBe(bcryptHash(password));
  });

  it("holds a $2b$ hash of cost 10 that bcrypt matches with the password only", () => {
    const hash = parse(webConfig("operator", password)).basic_auth_users.operator;
    expect(hash).toMatch(/^\$2b\$10\$[./A-Za-z0-9]{53}$/);
    expect(bcrypt.compareSync(password, hash)).toBe(true);
    expect(bcrypt.compareSync(`${password}x`, hash)).toBe(false);
    expect(bcrypt.compareSync("", hash)).toBe(false);
  });

  it("is accepted by promtool check web-config", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "web-config-"));
    try {
      fs.writeFileSync(path.join(dir, "web.yml"), webConfig("operator", password));
      const r = runTool("promtool", ["check", "web-config", path.join(dir, "web.yml")]);
      expect(r.output).toContain("SUCCESS");
      expect(r.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
