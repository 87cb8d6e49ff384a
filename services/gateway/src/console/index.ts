export { consoleRoutes, type ConsoleOptions, type ConsoleSignIn } from "./console.ts";
export { createDevSignIn, issueForAnotherProcess, type DevSignIn, type DevSignInOptions } from "./dev-sign-in.ts";
