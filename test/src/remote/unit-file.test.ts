// Units and drop-ins rendered from a spec: section order, comments, hardening last in [Service].
import { describe, expect, it } from "vitest";
import { MANAGED_HEADER, renderUnitFile, serviceUnit } from "../../../src/remote/unit-file";

describe("renderUnitFile", () => {
  it("writes the header, then each section in order with its comments and directives", () => {
    const text = renderUnitFile({
      header: [MANAGED_HEADER, "On top of the package's unit."],
      sections: {
        Unit: [{ comment: "Why it waits:\nthe address comes up late." }, ["After", "network-online.target"]],
        Service: [
          ["Environment", "A=1"],
          ["Environment", "B=2"],
          ["CapabilityBoundingSet", ""],
        ],
      },
      hardening: [["NoNewPrivileges", "yes"]],
    });
    expect(text).toBe(
      `# ${MANAGED_HEADER}\n# On top of the package's unit.\n[Unit]\n# Why it waits:\n# the address comes up late.\nAfter=network-online.target\n\n` +
        "[Service]\nEnvironment=A=1\nEnvironment=B=2\nCapabilityBoundingSet=\nNoNewPrivileges=yes\n",
    );
  });

  it("refuses hardening without a [Service] section, and a value that would start another line", () => {
    expect(() => renderUnitFile({ sections: { Unit: [] }, hardening: [["NoNewPrivileges", "yes"]] })).toThrow("needs a [Service] section");
    expect(() => renderUnitFile({ sections: { Service: [["MemoryMax", "1G\nUser=root"]] } })).toThrow(
      "[Service] MemoryMax= has a line break",
    );
  });

  it("gives a service the shared skeleton: network-online ordering, Type=exec first, started at boot", () => {
    const text = renderUnitFile(
      serviceUnit({ description: "D", documentation: "https://d.example", service: [["ExecStart", "/bin/true"]] }),
    );
    expect(text).toBe(
      `# ${MANAGED_HEADER}\n[Unit]\nDescription=D\nDocumentation=https://d.example\nAfter=network-online.target\nWants=network-online.target\n\n` +
        "[Service]\nType=exec\nExecStart=/bin/true\n\n[Install]\nWantedBy=multi-user.target\n",
    );
  });
});
