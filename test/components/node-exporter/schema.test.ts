// Every option error path of NodeExporter, with its exact message. Validation runs first in the
// constructor, so bad options fail before any resource exists.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { NodeExporter, NodeExporterArgs, nodeExporterArgsSchema, nodeExporterOptionsSchema } from "../../../components/node-exporter";
import { ValidationError } from "../../../src/validate";
import { HOST_KEY_1 } from "../../fixtures/config";

const connection = { host: "192.0.2.11", port: 22, user: "root", hostKey: HOST_KEY_1 };

beforeAll(() => {
  pulumi.runtime.setMocks(
    { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) },
    "openclaw-infra",
    "vps1",
    false,
  );
});

function problems(options: Record<string, unknown>): string[] {
  try {
    // Deliberately invalid options: the constructor's validation is what is under test.
    new NodeExporter("vps1-node-exporter", { connection, ...options } as unknown as NodeExporterArgs);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return err.problems;
  }
  throw new Error("expected the options to be rejected");
}

const P = "NodeExporter vps1-node-exporter: ";

describe("NodeExporter options", () => {
  it("fills in the documented defaults", () => {
    expect(nodeExporterOptionsSchema.parse({})).toEqual({ port: 9100, disableCollectors: [], hardening: true });
    expect(nodeExporterArgsSchema.parse({ listenAddress: "10.0.0.1" })).toEqual({
      listenAddress: "10.0.0.1",
      port: 9100,
      disableCollectors: [],
      allowFrom: [],
      hardening: true,
    });
  });

  it("accepts what it parsed (stack config passes parsed options on)", () => {
    const parsed = nodeExporterOptionsSchema.parse({ port: 9200, disableCollectors: ["zfs"] });
    expect(nodeExporterArgsSchema.parse({ ...parsed, listenAddress: "10.0.0.1" })).toMatchObject(parsed);
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ["no listen address", {}, [`${P}listenAddress: is required: the host's private address, e.g. 10.0.0.1`]],
    ["a host name", { listenAddress: "vps1" }, [`${P}listenAddress: must be an IPv4 address like 10.0.0.1`]],
    ["an address with a port", { listenAddress: "10.0.0.1:9100" }, [`${P}listenAddress: must be an IPv4 address like 10.0.0.1`]],
    ["an IPv6 address", { listenAddress: "fd00::1" }, [`${P}listenAddress: must be an IPv4 address like 10.0.0.1`]],
    ["every address", { listenAddress: "0.0.0.0" }, [`${P}listenAddress: must be one address of the host, not 0.0.0.0 (every address)`]],
    ["a privileged port", { listenAddress: "10.0.0.1", port: 910 }, [`${P}port: Too small: expected number to be >=1024`]],
    ["a port too large", { listenAddress: "10.0.0.1", port: 70000 }, [`${P}port: Too big: expected number to be <=65535`]],
    ["a port as text", { listenAddress: "10.0.0.1", port: "9100" }, [`${P}port: Invalid input: expected number, received string`]],
    [
      "a collector flag instead of a name",
      { listenAddress: "10.0.0.1", disableCollectors: ["--no-collector.zfs"] },
      [`${P}disableCollectors.0: must be a collector name like zfs (prometheus-node-exporter --help lists them)`],
    ],
    [
      "a collector name with a space",
      { listenAddress: "10.0.0.1", disableCollectors: ["zfs", "nfs d"] },
      [`${P}disableCollectors.1: must be a collector name like zfs (prometheus-node-exporter --help lists them)`],
    ],
    [
      "a collector twice",
      { listenAddress: "10.0.0.1", disableCollectors: ["zfs", "nfs", "zfs"] },
      [`${P}disableCollectors.2: zfs is listed twice`],
    ],
    [
      "a peer that is not an address",
      { listenAddress: "10.0.0.1", allowFrom: ["10.0.0.2", "prometheus"] },
      [`${P}allowFrom.1: must be an IPv4 address or range like 10.0.0.2 or 10.0.0.0/24`],
    ],
    [
      "a peer range without its length",
      { listenAddress: "10.0.0.1", allowFrom: ["10.0.0.0/"] },
      [`${P}allowFrom.0: must be an IPv4 address or range like 10.0.0.2 or 10.0.0.0/24`],
    ],
    [
      "hardening as text",
      { listenAddress: "10.0.0.1", hardening: "yes" },
      [`${P}hardening: Invalid input: expected boolean, received string`],
    ],
    ["a misspelled setting", { listenAddress: "10.0.0.1", listenAdress: "10.0.0.1" }, [`${P}listenAdress: unknown setting (misspelled?)`]],
  ];
  it.each(cases)("rejects %s", (_name, options, expected) => {
    expect(problems(options)).toEqual(expected);
  });

  it("reports every problem at once", () => {
    expect(problems({ listenAddress: "0.0.0.0", port: 80, hardening: 1 })).toEqual([
      `${P}port: Too small: expected number to be >=1024`,
      `${P}hardening: Invalid input: expected boolean, received number`,
      `${P}listenAddress: must be one address of the host, not 0.0.0.0 (every address)`,
    ]);
  });
});
