export { createAuditPlugin, type AuditPluginOptions } from "./audit.plugin.ts";
