export * from "./defaults";
export * from "./fields";
export * from "./parallel-reads";
export * from "./schema";
export * from "./store";
