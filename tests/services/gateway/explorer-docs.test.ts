import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { REPO_ROOT } from "@citygraph/platform";
import { startStack, type TestStack } from "../../support/stack.ts";
import { bearer } from "../../support/security.ts";
import { BROWSER_SKIP, launchChromium } from "../../support/browser.ts";

const SCREENSHOTS = join(REPO_ROOT, "tests", "services", "gateway", "screenshots");

/**
 * The explorer as a person uses it, in headless Chromium: GraphiQL's Docs pane is filled from the
 * gateway's introspection with the fields the caller's token may read, and no others.
 */
describe("the explorer's Docs pane", { skip: BROWSER_SKIP }, () => {
  let stack: TestStack;
  let browser: Browser;
  before(async () => {
    stack = await startStack();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** The explorer opened with `scopes`' token in every request's headers, its Docs pane shown. */
  async function explorerWith(scopes: string[]): Promise<Page> {
    const context = await browser.newContext({ extraHTTPHeaders: await bearer(scopes), locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto(stack.gatewayUrl);
    await page.locator('[aria-label="Show Documentation Explorer"]').click({ timeout: 20_000 });
    await page.locator(".graphiql-doc-explorer-type-name", { hasText: /^Query$/ }).first().click({ timeout: 20_000 });
    await page.locator(".graphiql-doc-explorer-field-name").first().waitFor({ timeout: 20_000 });
    return page;
  }

  /** What the Docs pane's search offers for `text`. */
  async function searchDocs(page: Page, text: string): Promise<string> {
    const input = page.locator(".graphiql-doc-explorer-search input, input.graphiql-doc-explorer-search-input, .graphiql-doc-explorer-search-input input").first();
    await input.click();
    await input.fill(text);
    // The search first lists everything, then (debounced) only the matches: wait for the filter.
    await page.waitForFunction(
      (wanted) => {
        const results = (document.querySelector(".graphiql-doc-explorer-search") as HTMLElement | null)?.innerText ?? "";
        return results.length > 0 && results.split("\n").every((line) => line === "Other results" || line.toLowerCase().includes(wanted.toLowerCase()) || line.startsWith("No "));
      },
      text,
      { timeout: 10_000 },
    );
    return page.locator(".graphiql-doc-explorer-search").innerText();
  }

  it("lists the Query fields the token may read and hides the rest", async () => {
    const page = await explorerWith(["registry:internal"]);
    const fields = await page.locator(".graphiql-doc-explorer-field-name").allInnerTexts();
    assert.ok(fields.includes("persons"), `Query lists persons: ${fields.join(", ")}`);
    assert.ok(fields.includes("districts"), "and the public districts");
    assert.match(await searchDocs(page, "inScope"), /Person\.inScope/, "the search finds what the token may read");
    assert.doesNotMatch(await searchDocs(page, "idNumber"), /Person\.idNumber/, "a field the token cannot read is not in the docs");
    // For the README (not committed): the explorer with the Docs pane as this token sees it.
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, "explorer-docs.png") });
    await page.context().close();
  });

  it("shows a sensitive field to a token that may read it", async () => {
    const page = await explorerWith(["registry:sensitive"]);
    assert.match(await searchDocs(page, "idNumber"), /Person\.idNumber/);
    await page.context().close();
  });

  it("renders Chinese text with a CJK face after GraphiQL's own fonts", async () => {
    const page = await explorerWith(["registry:internal"]);
    const families = await page.evaluate(() => {
      const editor = document.querySelector(".CodeMirror");
      return { editor: editor ? getComputedStyle(editor).fontFamily : "", body: getComputedStyle(document.querySelector(".graphiql-container")!).fontFamily };
    });
    assert.match(families.editor, /Noto Sans (Mono )?CJK SC/, families.editor);
    assert.match(families.body, /Noto Sans CJK SC/, families.body);
    assert.match(await page.locator(".CodeMirror").first().innerText(), /金水区/, "the first query's comment is Chinese");
    await page.context().close();
  });
});
