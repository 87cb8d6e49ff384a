export { consoleRoutes, type ConsoleOptions, type ConsoleSignIn } from "./console.ts";
export { createDevSignIn, type DevSignIn, type DevSignInOptions } from "./dev-sign-in.ts";
