// Pure rendering of the security updates' apt configuration and the reboot-required metric's
// units. Golden-file tested; the apt file is checked by the real `apt-config` on the host.
import { hardening } from "../../src/hardening";
import { TEXTFILE_DIR } from "../../src/remote/backup-metric";
import { MANAGED_HEADER, UnitSpec } from "../../src/remote/unit-file";
import { template } from "../../src/template";
import { UpdatesSettings } from "./schema";

export const PATHS = {
  /** After Debian's 50unattended-upgrades and 20auto-upgrades: its values win. */
  aptConfig: "/etc/apt/apt.conf.d/52openclaw-infra-unattended-upgrades",
  metricScript: "/usr/local/libexec/openclaw-infra/reboot-required-metric",
  /** The metric's oneshot (.service) and what runs it (.timer). */
  metricUnit: "openclaw-infra-reboot-required",
  /** Debian's apt timers: the package lists, then unattended-upgrade. */
  aptTimers: ["apt-daily.timer", "apt-daily-upgrade.timer"],
} as const;

export const PACKAGE = "unattended-upgrades";

/** The security archive, as Debian's own 50unattended-upgrades names it. */
const SECURITY_ORIGINS = [
  "origin=Debian,codename=${distro_codename},label=Debian-Security",
  "origin=Debian,codename=${distro_codename}-security,label=Debian-Security",
];

/**
 * apt.conf(5): security updates only (`#clear` drops the point releases Debian's list adds), the
 * lists refreshed and unattended-upgrade run daily by apt's timers, and the reboot policy.
 */
export function renderAptConfig(s: UpdatesSettings): string {
  return [
    `// ${MANAGED_HEADER}`,
    "// Security updates only, daily; a reboot they need is left to the operator unless reboot is automatic.",
    "#clear Unattended-Upgrade::Origins-Pattern;",
    "Unattended-Upgrade::Origins-Pattern {",
    ...SECURITY_ORIGINS.map((o) => `  "${o}";`),
    "};",
    `Unattended-Upgrade::Automatic-Reboot "${s.reboot === "automatic"}";`,
    `Unattended-Upgrade::Automatic-Reboot-Time "${s.rebootTime}";`,
    'APT::Periodic::Update-Package-Lists "1";',
    'APT::Periodic::Unattended-Upgrade "1";',
    "",
  ].join("\n");
}

/** Where a package says the host needs a reboot (Debian policy 9.12). */
const REBOOT_REQUIRED = "/run/reboot-required";

/** The metric's script; the tests run it with folders of their own. */
export const renderMetricScript = (
  paths: { textfileDir: string; rebootRequired: string } = { textfileDir: TEXTFILE_DIR, rebootRequired: REBOOT_REQUIRED },
): string => template<typeof paths>(__dirname, "reboot-required-metric.sh")(paths);

/** The oneshot writing the metric: root (the textfile folder is root's), no network, nothing else writable. */
export function metricServiceSpec(): UnitSpec {
  return {
    header: [MANAGED_HEADER],
    sections: {
      Unit: [
        ["Description", "openclaw_reboot_required for node-exporter's textfile collector"],
        ["Documentation", "https://www.debian.org/doc/debian-policy/ch-opersys.html#signaling-that-a-reboot-is-required"],
      ],
      Service: [
        ["Type", "oneshot"],
        ["ExecStart", PATHS.metricScript],
        ["SyslogIdentifier", PATHS.metricUnit],
      ],
    },
    hardening: hardening({
      extra: [
        ["ReadWritePaths", `-${TEXTFILE_DIR}`],
        ["PrivateNetwork", "yes"],
        ["IPAddressDeny", "any"],
      ],
    }),
  };
}

/** At boot (the metric goes back to 0: /run is new) and every metricIntervalMinutes. */
export function metricTimerSpec(s: UpdatesSettings): UnitSpec {
  return {
    header: [MANAGED_HEADER],
    sections: {
      Unit: [["Description", `openclaw_reboot_required, at boot and every ${s.metricIntervalMinutes} minutes`]],
      Timer: [
        ["OnBootSec", "30s"],
        ["OnUnitActiveSec", `${s.metricIntervalMinutes}min`],
      ],
      Install: [["WantedBy", "timers.target"]],
    },
  };
}
