export * from "./random.ts";
export * from "./population.ts";
export * from "./writer.ts";
