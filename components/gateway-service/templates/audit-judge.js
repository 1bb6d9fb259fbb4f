// Judges `openclaw security audit --json` for a deploy: argv = report file, the audit's exit
// status, its stderr file. A critical finding fails (one line each: checkId, title, the
// release's remediation); warnings and its notes on secret references are printed as the last
// line, {"warnings": [{checkId, title}], "notes": [text]}, for the deploy to show.
const fs = require("fs");
const [reportFile, status, errFile] = process.argv.slice(1);
let report;
try {
  report = JSON.parse(fs.readFileSync(reportFile, "utf8"));
} catch {
  const err = fs.readFileSync(errFile, "utf8").trimEnd().split("\n").slice(-20).join("\n");
  console.error(`openclaw security audit printed no report (exit status ${status}):\n${err}`);
  process.exit(1);
}
const findings = Array.isArray(report.findings) ? report.findings : [];
const critical = findings.filter((f) => f.severity === "critical");
for (const f of critical) console.error(`critical ${f.checkId}: ${f.title}${f.remediation ? `. Fix: ${f.remediation}` : ""}`);
if (critical.length > 0) {
  console.error(`the running openclaw.json stays; accept a finding only with a reason, in gateway.audit.accept.<checkId>`);
  process.exit(1);
}
const warnings = findings.filter((f) => f.severity === "warn").map((f) => ({ checkId: f.checkId, title: f.title }));
// What it says about secret references (one the running config does not use, one it could not
// resolve here): notes, since preview already refuses a reference to a secret that is not set.
const notes = (Array.isArray(report.secretDiagnostics) ? report.secretDiagnostics : []).map((d) =>
  typeof d === "string" ? d : JSON.stringify(d),
);
console.log(JSON.stringify({ warnings, notes }));
