import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/**
 * The Chromium the browser tests drive: `CITYGRAPH_CHROMIUM`, else Debian's `chromium` (what
 * `.ci/run` installs) or another on PATH. `npx playwright install` cannot download here, so
 * playwright-core runs the system's. Undefined when there is none (a fresh user's machine).
 */
export function chromiumPath(): string | undefined {
  if (process.env.CITYGRAPH_CHROMIUM) return process.env.CITYGRAPH_CHROMIUM;
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    try {
      const path = execFileSync("which", [name], { encoding: "utf8" }).trim();
      if (path && existsSync(path)) return path;
    } catch {
      // not on PATH
    }
  }
  return undefined;
}

/** Why browser tests skip on this machine, or undefined when they run. */
export const BROWSER_SKIP = chromiumPath()
  ? undefined
  : "no Chromium found: install it (Debian: apt-get install -y chromium fonts-noto-cjk) or set CITYGRAPH_CHROMIUM";

/** Headless Chromium with a fresh profile (Playwright makes one per launch), as the stack notes prescribe. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}
