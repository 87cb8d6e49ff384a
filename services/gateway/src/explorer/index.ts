export { explorerPage, explorerAssetRoutes, FIRST_QUERY } from "./explorer.ts";
