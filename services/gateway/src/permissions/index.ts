export { createPermissionPlugin, type DeniedFieldMode, type DeniedField, type PermissionPluginOptions } from "./plugin.ts";
export { visibleSchema, createVisibleSchemas, type VisibleSchemas } from "./visible-schema.ts";
export { accessOf, type RequestAccess } from "./access.ts";
