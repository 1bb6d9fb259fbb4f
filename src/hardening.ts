// The sandboxing every unit we ship gets, written out so a reviewer sees each setting. Each
// service states only where it differs, and why, in its own render.ts.

export type Directive = [key: string, value: string];

export interface HardeningNeeds {
  /** V8 and other JITs need writable+executable pages: MemoryDenyWriteExecute stays off. */
  jit?: boolean;
  /**
   * Reads the system journal: PrivateUsers would map the systemd-journal group away and
   * ProcSubset=pid hides /proc/sys/kernel/random/boot_id, which journal readers use.
   */
  readsJournal?: boolean;
  /** Needs its user's supplementary groups (e.g. ssl-cert for a TLS key): PrivateUsers would map them away. */
  supplementaryGroups?: boolean;
  /**
   * Runs as a user a long-running service runs as too (a backup job as postgres or openclaw):
   * RemoveIPC= would remove that service's IPC objects (semaphores, shared memory) when it ends.
   */
  sharesUser?: boolean;
  /**
   * Opens files with openat2 and has no fallback (OpenClaw 2026.9's state lock, "openat2 beneath
   * root"): RestrictSUIDSGID's seccomp filter cannot inspect openat2's arguments, so it answers
   * every openat2 with ENOSYS; it stays off. NoNewPrivileges and the empty capability set still
   * keep a set-uid file from granting anything.
   */
  openat2?: boolean;
  /** Directives appended after the common ones (e.g. IPAddressAllow=). */
  extra?: Directive[];
}

export function hardening(needs: HardeningNeeds = {}): Directive[] {
  const directives: (Directive | false)[] = [
    ["NoNewPrivileges", "yes"],
    ["ProtectSystem", "strict"],
    ["ProtectHome", "yes"],
    ["PrivateTmp", "yes"],
    ["PrivateDevices", "yes"],
    !needs.readsJournal && !needs.supplementaryGroups && ["PrivateUsers", "yes"],
    ["PrivateMounts", "yes"],
    ["ProtectHostname", "yes"],
    ["ProtectClock", "yes"],
    ["ProtectKernelTunables", "yes"],
    ["ProtectKernelModules", "yes"],
    ["ProtectKernelLogs", "yes"],
    ["ProtectControlGroups", "yes"],
    ["ProtectProc", "invisible"],
    !needs.readsJournal && ["ProcSubset", "pid"],
    // Outbound TCP/UDP, local sockets, and netlink for reading interface addresses.
    ["RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX AF_NETLINK"],
    ["RestrictNamespaces", "yes"],
    ["RestrictRealtime", "yes"],
    !needs.openat2 && ["RestrictSUIDSGID", "yes"],
    ["LockPersonality", "yes"],
    !needs.jit && ["MemoryDenyWriteExecute", "yes"],
    !needs.sharesUser && ["RemoveIPC", "yes"],
    ["KeyringMode", "private"],
    ["DevicePolicy", "closed"],
    ["CapabilityBoundingSet", ""],
    ["AmbientCapabilities", ""],
    ["SystemCallArchitectures", "native"],
    ["SystemCallFilter", "@system-service"],
    ["SystemCallFilter", "~@privileged @resources"],
    // A filtered call fails with EPERM instead of killing the process (Go probes setrlimit).
    ["SystemCallErrorNumber", "EPERM"],
    ["UMask", "0077"],
  ];
  return [...directives.filter((d): d is Directive => d !== false), ...(needs.extra ?? [])];
}
