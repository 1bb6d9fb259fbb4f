// SQL quoting for the scripts that run psql on a host: PostgreSQL and its exporter both use it.

/** "identifier" for SQL. Names are validated lowercase identifiers; quoting keeps it exact anyway. */
export function sqlIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** 'literal' for SQL (standard_conforming_strings is on since PostgreSQL 9.1). */
export function sqlLiteral(value: string): string {
  if (value.includes("\0")) throw new Error("a SQL literal cannot hold a NUL character");
  return `'${value.replace(/'/g, "''")}'`;
}
