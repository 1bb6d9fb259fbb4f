// Pure rendering of sshd's hardening drop-in. Golden-file tested, and checked by the real `sshd -t`.
import { MANAGED_HEADER } from "../../src/remote/unit-file";
import { SshdSettings } from "./schema";

export const PATHS = {
  /**
   * Debian's sshd_config includes sshd_config.d/*.conf before its own lines, and sshd keeps the
   * first value it reads of a keyword: first in the folder, so these win over the file's
   * defaults and over a cloud image's drop-in (50-cloud-init.conf may turn passwords on).
   */
  dropIn: "/etc/ssh/sshd_config.d/00-openclaw-infra.conf",
  unit: "ssh.service",
} as const;

/**
 * Keys only (no passwords, no keyboard-interactive), root by key only (the deploy's own login
 * stays), few attempts, no agent or X11 forwarding, no tunnel devices, TCP forwarding at most
 * local (the operator's SSH tunnel to the UIs on loopback).
 */
export function renderDropIn(s: SshdSettings): string {
  const settings: [string, string][] = [
    ["PasswordAuthentication", "no"],
    ["KbdInteractiveAuthentication", "no"],
    ["PermitEmptyPasswords", "no"],
    ["PermitRootLogin", "prohibit-password"],
    ["MaxAuthTries", String(s.maxAuthTries)],
    ["AllowAgentForwarding", "no"],
    ["AllowTcpForwarding", s.allowTcpForwarding],
    ["X11Forwarding", "no"],
    ["PermitTunnel", "no"],
    ["ClientAliveInterval", String(s.clientAliveInterval)],
    ["ClientAliveCountMax", "3"],
  ];
  return [`# ${MANAGED_HEADER}`, "# sshd hardening (see sshd_config(5)).", ...settings.map(([k, v]) => `${k} ${v}`), ""].join("\n");
}
