// async-exit-hook ships no types. The one call citygraph makes: an async hook that calls `done`.
declare module "async-exit-hook" {
  /** Runs `hook` on exit, SIGINT and SIGTERM; the process exits once every async hook called `done`. */
  export default function exitHook(hook: (done: () => void) => void): void;
}
