// An unsupported host system is refused before anything changes (issue 17, point 4): a blank
// sandbox host whose /etc/os-release says Debian 12, and a real `pulumi up` of its stack (vps2:
// a stack that reads no other, so nothing else stops it first). The host is put back (its
// os-release, then blank) at the end.
import * as fs from "fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { onHost, sandbox, SandboxStack, tempBackend } from "./harness";

const BOOKWORM = ['PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"', 'NAME="Debian GNU/Linux"', 'VERSION_ID="12"', "ID=debian", ""].join("\n");
/** What the host holds that a deploy would change first: its packages, and the directories our steps write. */
const FOOTPRINT =
  "dpkg-query -W -f '${Package}\\n' | sha256sum; ls -d /etc/systemd/journald.conf.d/* /etc/openclaw /opt/* 2>/dev/null | sort";

let backend: string;

beforeAll(() => {
  backend = tempBackend();
  expect(sandbox("reset", "vps2").code).toBe(0);
  // /etc/os-release is a link to /usr/lib/os-release on Debian: replace the link, keep the target.
  expect(onHost("vps2", "rm /etc/os-release && cat > /etc/os-release", BOOKWORM).code).toBe(0);
});

afterAll(() => {
  onHost("vps2", "ln -sfn ../usr/lib/os-release /etc/os-release");
  sandbox("reset", "vps2");
  if (backend) fs.rmSync(backend, { recursive: true, force: true });
});

it("refuses a host that runs Debian 12 in one line, before any change to it", () => {
  const before = onHost("vps2", FOOTPRINT).stdout;
  const stack = new SandboxStack("vps2", backend, "bookworm-vps2");
  stack.initWithSecrets();
  const r = stack.pulumi(["up", "--yes", "--skip-preview"]);
  const output = r.stdout + r.stderr;
  expect(r.code, output).not.toBe(0);
  expect(output).toContain(
    "vps2 runs Debian GNU/Linux 12 (bookworm): openclaw-infra supports Debian 13 (trixie); set system.allowUnsupported to try it anyway",
  );
  expect(output).not.toMatch(/^\s+at /m);
  // Nothing on the host changed, and nothing but the refused check was attempted.
  expect(onHost("vps2", FOOTPRINT).stdout).toBe(before);
  const created = output.split("\n").filter((l) => /RemoteCommand \S+ created/.test(l));
  expect(created, output).toEqual([]);
});
