/** The documents of issue 7, finding 1: each froze the gateway for seconds on the old rules. */
export function doubledFragments(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, i) =>
    `fragment F${i} on District { code ${i < levels - 1 ? `...F${i + 1} ...F${i + 1}` : ""} }`,
  );
  return `{ districts { ...F0 } }\n${fragments.join("\n")}`;
}

/** `count` aliases of one selection. */
export function aliased(count: number, selection: string): string {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${selection}`).join(" ")} }`;
}

/** Fits every token, depth and alias limit, but would ask for 100 × 100 crossings and their checkpoints. */
export const HUGE_COST = `{ persons(first: 100) { nodes { id crossings(first: 100) { nodes { id plate time checkpoint { id } } } } } }`;
