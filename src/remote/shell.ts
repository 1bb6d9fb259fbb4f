// Quoting for values placed into scripts. Values are computed in code; scripts only use them.

/** Single-quotes a value for bash, so it is passed literally. */
export function sh(value: string | number): string {
  return `'${String(value).replace(/'/g, `'\\''`)}'`;
}

/** Joins script lines, dropping empty ones, so optional steps read as plain conditionals. */
export function script(...lines: (string | false | undefined)[]): string {
  return lines.filter((l): l is string => typeof l === "string" && l.length > 0).join("\n") + "\n";
}
