// The registry: the list of entries (list.ts), what an entry is (types.ts), and what is derived
// from the list (walkers.ts).
export * from "./list";
export * from "./types";
export * from "./walkers";
