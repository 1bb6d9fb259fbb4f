// Values for the CloudflareTunnel tests. The fingerprint is a placeholder, not Cloudflare's key.
import { CloudflareTunnelOptions } from "../../../components/cloudflare-tunnel";
import { HOST_KEY_1 } from "../../fixtures/config";

export const ACCOUNT_ID = "699d98642c564d2e855e9661899b7252";
export const ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";
export const TUNNEL_ID = "f70ff985-a4ef-4643-bbbc-4a0ed4fc8415";
export const KEY_FINGERPRINT = "0123456789ABCDEF0123456789ABCDEF01234567";
/** Shaped like a real token (base64 of {"a":account,"t":tunnel,"s":secret}), but made up. */
export const TOKEN = Buffer.from(
  JSON.stringify({ a: ACCOUNT_ID, t: TUNNEL_ID, s: "c2VjcmV0LXRlc3QtdHVubmVsLXNlY3JldC0wMDAwMDAwMA==" }),
).toString("base64");
export const BINARY_SHA = "d".repeat(64);

export const connection = { host: "192.0.2.11", port: 22, user: "root", hostKey: HOST_KEY_1 };

/** Valid CloudflareTunnel options (production shape: apt install). */
export function validOptions() {
  return {
    hostname: "claw.example.com",
    accountId: ACCOUNT_ID,
    zoneId: ZONE_ID,
    install: { from: "apt", keyFingerprint: KEY_FINGERPRINT },
  } satisfies CloudflareTunnelOptions;
}
