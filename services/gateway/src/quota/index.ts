export * from "./quota-store.ts";
export { createRedisQuotaStore } from "./redis-quota-store.ts";
export { createPostgresQuotaStore } from "./postgres-quota-store.ts";
export { QuotaStoreUnavailableError, reportingUnavailability } from "./unavailable.ts";
