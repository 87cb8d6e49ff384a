/**
 * The governance console in a real browser (playwright-core driving the system's Chromium) against
 * a started platform whose identity provider is a real OpenID Connect provider in this process
 * (oidc-provider): sign-in by authorization code + PKCE, then each page as its user sees it.
 *
 * Runs with `node --import tsx scripts/test.ts tests/apps/console` (part of `npm test`); it builds the
 * console first when its build is missing or stale. Skips, saying why, only when no Chromium binary
 * exists (Debian: apt-get install -y chromium fonts-noto-cjk; or set CITYGRAPH_CHROMIUM).
 * Screenshots go to tests/apps/console/screenshots/ (git-ignored).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";
import { SUBGRAPH_NAMES, createIdentityVerifier, decide, granteeOf, makeCreditCode, readSupergraphFields } from "@citygraph/core";
import { consoleOptionsOf, type SecurityConfig } from "@citygraph/platform";
import { loadSupergraph } from "@citygraph/supergraph";
import { startStack, type TestStack } from "../../support/stack.ts";
import { testSecurity } from "../../support/security.ts";
import { startOidcProvider, type TestOidcProvider } from "../../support/oidc-provider.ts";
import { BROWSER_SKIP, launchChromium } from "../../support/browser.ts";

/** What the console exposes for reading its charts (see apps/console/src/chart.tsx). */
type ChartWindow = { citygraphCharts?: Record<string, { getOption(): unknown }> };

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SCREENSHOTS = join(REPO_ROOT, "tests", "apps", "console", "screenshots");
const DESKTOP = { width: 1280, height: 800 };
const TABLET = { width: 768, height: 1024 };

const ACCOUNTS = {
  "dev.wang": { name: "王开发", org: "市卫健委", scopes: ["role:health-officer"] },
  "auditor.zhou": { name: "周审计", org: "市大数据局", scopes: ["audit:read"] },
  "admin.a": { name: "管理员甲", org: "市大数据局", scopes: ["governance:admin"] },
  "admin.b": { name: "管理员乙", org: "市大数据局", scopes: ["governance:admin"] },
};

interface SignedIn {
  context: BrowserContext;
  page: Page;
  /** The bearer token the console sent last (captured from its requests, to compare with the decision function). */
  token(): string;
  cspViolations(): Promise<string[]>;
}

describe("governance console (browser)", { skip: BROWSER_SKIP }, () => {
  let stack: TestStack;
  let idp: TestOidcProvider;
  let browser: Browser;
  let origin: string;
  let security: SecurityConfig;

  before(async () => {
    execFileSync(process.execPath, [join(REPO_ROOT, "apps", "console", "scripts", "build.mjs")], { stdio: "inherit" });
    idp = await startOidcProvider(ACCOUNTS, { accessTokenAlg: "ES256" });
    const base = await testSecurity();
    security = {
      ...base,
      identity: { keys: { kind: "url", url: new URL(`${idp.issuer}/jwks`) }, issuer: idp.issuer, audience: idp.audience },
      devIdentityProvider: undefined,
      oidc: {
        issuer: idp.issuer,
        clientId: idp.clientId,
        scope: "openid audit:read governance:admin role:health-officer",
        audience: idp.audience,
      },
    };
    stack = await startStack({ security, console: consoleOptionsOf(security) });
    origin = new URL(stack.gatewayUrl).origin;
    idp.serve(`${origin}/console/`);
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    await idp?.close();
  });

  /** Signs `account` in through the identity provider's login form, in a browser context of its own. */
  async function signIn(account: keyof typeof ACCOUNTS, viewport = DESKTOP): Promise<SignedIn> {
    const context = await browser.newContext({ viewport, locale: "zh-CN", timezoneId: "Europe/London" });
    const page = await context.newPage();
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    let token = "";
    page.on("request", (request) => {
      const authorization = request.headers().authorization;
      if (request.url().startsWith(`${origin}/graphql`) && authorization) token = authorization.replace(/^Bearer /, "");
    });
    await page.goto(`${origin}/console/`);
    await page.getByRole("button", { name: "登录" }).click();
    await page.locator('input[name="login"]').fill(account);
    await page.locator('input[name="password"]').fill("any");
    await page.locator('button[type="submit"]').click();
    await page
      .locator(`[data-subject="${account}"]`)
      .waitFor({ timeout: 15_000 })
      .catch(async (error: unknown) => {
        // Say where sign-in stopped: the provider's error page or the console's message.
        throw new Error(`sign-in of ${account} stopped at ${page.url()}: ${(await page.locator("body").innerText()).slice(0, 500)}`, {
          cause: error,
        });
      });
    return {
      context,
      page,
      token: () => token,
      cspViolations: () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
    };
  }

  async function assertAccessible(page: Page, name: string): Promise<void> {
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    assert.deepEqual(
      serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
      [],
      `${name}: axe found serious or critical violations`,
    );
  }

  async function gql<T>(query: string, variables: Record<string, unknown>, token?: string) {
    return stack.query<T>(query, variables, token ? { authorization: `Bearer ${token}` } : {});
  }

  it("serves the console with a strict CSP, hashed assets cached for a year and index.html never", async () => {
    const page = await fetch(`${origin}/console/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("cache-control"), "no-cache");
    const csp = page.headers.get("content-security-policy") ?? "";
    assert.match(csp, /script-src 'self';/);
    assert.match(csp, new RegExp(`connect-src 'self' ${idp.issuer.replace(/[.:/]/g, "\\$&")};`));
    const html = await page.text();
    assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/, "no inline script");
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, "the page loads a hashed script");
    const asset = await fetch(`${origin}${script}`);
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.doesNotMatch(await asset.text(), /https?:\/\/(?:cdn|unpkg|fonts\.googleapis)/, "nothing from a CDN");
  });

  it("a developer signed in through the identity provider sees FULL / MASKED / DENIED exactly as decide() rules for their token", async () => {
    const dev = await signIn("dev.wang");
    const { page } = dev;
    await page.locator("tr[data-coordinate]").first().waitFor();
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "数据资产目录");
    const shown = await page.$$eval("tr[data-coordinate]", (rows) =>
      rows.map((r) => [r.getAttribute("data-coordinate")!, r.querySelector("[data-access]")!.getAttribute("data-access")!] as const),
    );
    // The token the console sent, verified as the gateway does, through the decision function.
    const principal = await createIdentityVerifier({
      ...security.identity,
      roles: security.roles,
      owners: SUBGRAPH_NAMES,
    })(`Bearer ${dev.token()}`);
    assert.equal(principal.kind === "user" && principal.subject, "dev.wang");
    const expected = new Map(
      readSupergraphFields(loadSupergraph()).flatMap((f) =>
        f.policy ? [[f.coordinate, decide(granteeOf(principal), f.policy).access.toUpperCase()] as const] : [],
      ),
    );
    assert.ok(shown.length > 100, `the catalog lists every coordinate the caller may read (got ${shown.length})`);
    for (const [coordinate, access] of shown) assert.equal(access, expected.get(coordinate), coordinate);
    const kinds = new Set(shown.map(([, access]) => access));
    // The catalog follows the caller's visible schema: fields it may not read are not listed at all.
    assert.deepEqual([...kinds].sort(), ["FULL", "MASKED"]);

    // A field's link opens the explorer with a query that reads it, and runs for this developer
    // (a public field: the auditor's test below counts the personal reads made so far).
    const link = page.locator('tr[data-coordinate="District.name"] a[data-explorer-link]');
    await link.waitFor();
    const href = (await link.getAttribute("href")) ?? "";
    assert.ok(href.startsWith("/graphql#query="), href);
    const prepared = decodeURIComponent(href.slice("/graphql#query=".length));
    const ran = await gql<{ districts: { name: string }[] }>(prepared, {}, dev.token());
    assert.equal(ran.errors, undefined, `${prepared}\n${JSON.stringify(ran.errors)}`);
    assert.equal(ran.data!.districts.length, 16);
    const explorer = await dev.context.newPage();
    await explorer.goto(`${origin}${href}`);
    await explorer.locator(".graphiql-query-editor .CodeMirror").first().waitFor({ timeout: 20_000 });
    assert.match(await explorer.locator(".graphiql-query-editor .CodeMirror").first().innerText(), /districts \{ name \}/);
    await explorer.close();

    await page.screenshot({ path: join(SCREENSHOTS, "catalog.png") });
    // axe takes ~45 s over all ~500 rows on a shared 2-core machine; the rows are alike, so it
    // checks the page with the table narrowed to one type's fields.
    await page.getByLabel("按字段或说明筛选").fill("Person.");
    await assertAccessible(page, "catalog");
    // The same page in English, on a tablet.
    await page.setViewportSize(TABLET);
    await page.getByLabel("语言").selectOption("en");
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "Data-asset catalog");
    assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
    await page.screenshot({ path: join(SCREENSHOTS, "catalog-tablet-en.png") });
    await assertAccessible(page, "catalog (tablet, English)");
    assert.deepEqual(await dev.cspViolations(), []);
    await dev.context.close();
  });

  it("the auditor's overview charts and access log reflect ledger entries made in the test", async () => {
    const auditor = await signIn("auditor.zhou");
    const { page } = auditor;
    await page.locator("tr[data-coordinate]").first().waitFor();
    const auditorToken = auditor.token();

    // Entries: 30 anonymous public reads, 3 anonymous denials of Person.idNumber, one personal read by an official.
    for (let i = 0; i < 30; i++) assert.equal((await gql("{ districts { code } }", {})).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await gql("{ persons(first: 1) { nodes { idNumber } } }", {})).status, 400);
    const dev = await startOidcToken("dev.wang");
    const read = await gql<{ persons: { nodes: { id: string }[] } }>("{ persons(first: 2) { nodes { id name } } }", {}, dev);
    assert.equal(read.data?.persons.nodes.length, 2);
    // Denials are recorded without holding up the response: wait until the ledger has all three.
    for (let attempt = 0; ; attempt++) {
      const log = await gql<{ accessLog: { nodes: unknown[] } }>("{ accessLog(outcome: DENIED) { nodes { seq } } }", {}, auditorToken);
      if (log.data?.accessLog.nodes.length === 3) break;
      assert.ok(attempt < 100, "the three denials reach the ledger");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    await page.getByRole("link", { name: "审计概览" }).click();
    await page.waitForFunction(() => (window as unknown as ChartWindow).citygraphCharts?.topDenied?.getOption());
    const charts = await readCharts(page);
    assert.equal(charts.topDenied["Person.idNumber"], 3);
    assert.equal(charts.timeline.DENIED, 3);
    assert.ok(charts.timeline.ALLOWED! >= 31, "the 30 public reads and the personal read are allowed requests");
    assert.deepEqual(charts.byDepartment, { registry: 1 });
    assert.deepEqual(charts.byAgreement, { "政府工作人员（无协议）": 1 });
    assert.equal(await page.locator("[data-anomalies]").getAttribute("data-anomalies"), "0", "one read is no anomaly");
    // A burst of personal reads by one official: the anomaly feed names it after a refresh.
    for (let i = 0; i < 20; i++) assert.ok((await gql("{ persons(first: 1) { nodes { id name } } }", {}, dev)).data);
    for (let attempt = 0; ; attempt++) {
      const feed = await gql<{ accessAnomalies: { anomalies: unknown[] } }>("{ accessAnomalies { anomalies { reads } } }", {}, auditorToken);
      if (feed.data?.accessAnomalies.anomalies.length) break;
      assert.ok(attempt < 100, "the burst reaches the ledger");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await page.getByRole("button", { name: "刷新" }).click();
    await page.waitForFunction(() => (window as unknown as ChartWindow).citygraphCharts?.anomalies?.getOption());
    const anomalies = (await page.evaluate(() => (window as unknown as ChartWindow).citygraphCharts!.anomalies!.getOption())) as {
      yAxis: { data: string[] }[];
      series: { id: string; data: number[] }[];
    };
    assert.deepEqual(anomalies.yAxis[0]!.data, ["user:dev.wang"]);
    assert.deepEqual(anomalies.series.find((series) => series.id === "reads")!.data, [21]);
    assert.equal(await page.locator("[data-last-verification]").getAttribute("data-last-verification"), "NONE");
    // A tooltip under the strict CSP: drawn on the canvas, no inline style refused.
    const timeline = page.locator('[data-chart="timeline"]');
    const box = (await timeline.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    await page.waitForTimeout(300);
    assert.deepEqual(await auditor.cspViolations(), [], "hovering a chart breaks no CSP rule");
    await page.screenshot({ path: join(SCREENSHOTS, "overview.png"), fullPage: true });
    await assertAccessible(page, "overview");

    // The access log: filter by outcome, open an entry, page on.
    await page.getByRole("link", { name: "访问日志" }).click();
    await page.locator("tr[data-seq]").first().waitFor();
    assert.equal(await page.locator("tr[data-seq]").count(), 25, "a full first page");
    const firstPage = await page.$$eval("tr[data-seq]", (rows) => rows.map((r) => Number(r.getAttribute("data-seq"))));
    await page.getByRole("button", { name: "下一页" }).click();
    await page.waitForFunction((top) => Number(document.querySelector("tr[data-seq]")?.getAttribute("data-seq")) < top, Math.min(...firstPage));
    await page.getByLabel("结果").selectOption("DENIED");
    await page.getByRole("button", { name: "查询" }).click();
    await page.waitForFunction(() => document.querySelectorAll("tr[data-seq]").length === 3);
    assert.deepEqual(await page.$$eval("tr[data-seq]", (rows) => rows.map((r) => r.getAttribute("data-outcome"))), ["DENIED", "DENIED", "DENIED"]);
    await page.locator("tr[data-seq]").first().getByRole("button").click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? "", /Person\.idNumber\s*拒绝/);
    await page.screenshot({ path: join(SCREENSHOTS, "access-log-entry.png") });
    await assertAccessible(page, "access log entry");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });

    await page.getByLabel("结果").selectOption("");
    await page.getByLabel("调用方").fill("user:dev.wang");
    await page.getByRole("button", { name: "查询" }).click();
    await page.waitForFunction(() => Array.from(document.querySelectorAll("tr[data-seq]")).every((r) => r.textContent?.includes("user:dev.wang")));
    assert.ok((await page.locator("tr[data-seq]").count()) >= 1);
    await page.screenshot({ path: join(SCREENSHOTS, "access-log.png") });
    await assertAccessible(page, "access log");
    // The filtered range exported as citygraph audit export writes it: one stored body a line.
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "导出 JSON Lines" }).click();
    const saved = await download;
    assert.equal(saved.suggestedFilename(), "citygraph-access-log.jsonl");
    const exported = readFileSync((await saved.path())!, "utf8").trimEnd().split("\n").map((line) => JSON.parse(line) as { principal: { subject: string } });
    await page.locator("[data-exported]").waitFor();
    assert.equal(Number(await page.locator("[data-exported]").getAttribute("data-exported")), exported.length);
    assert.ok(exported.length >= 21 && exported.every((e) => e.principal.subject === "dev.wang"), `${exported.length} entries of dev.wang`);

    // The subject report, reached from the entry of the personal read: who read this person's data.
    const person = read.data!.persons.nodes[0]!.id;
    await page.getByLabel("数据主体（人员编号）").fill(person);
    await page.getByRole("button", { name: "查询" }).click();
    await page.waitForFunction(() => document.querySelectorAll("tr[data-seq]").length === 21, undefined, { timeout: 10_000 });
    await page.locator("tr[data-seq]").first().getByRole("button").click();
    await page.getByRole("link", { name: `查看 ${person} 的数据主体报告` }).click();
    await page.getByRole("heading", { name: "数据主体报告" }).waitFor();
    await page.locator("ol.timeline > li").first().waitFor();
    const readers = await page.$$eval("ol.timeline > li", (items) => items.map((item) => item.getAttribute("data-principal")));
    assert.ok(readers.length >= 1 && readers.every((r) => r === "user:dev.wang"), JSON.stringify(readers));
    assert.match((await page.locator("ol.timeline > li").first().textContent()) ?? "", /Person\.name/);
    await page.screenshot({ path: join(SCREENSHOTS, "subject-report.png"), fullPage: true });
    await assertAccessible(page, "subject report");
    // Another person's link opens their report; a link with a broken escape opens an empty one.
    await page.evaluate(() => (location.hash = "#/subject-report/0000000000000000"));
    await page.waitForFunction(() => (document.querySelector<HTMLInputElement>("main input")?.value ?? "") === "0000000000000000");
    await page.evaluate(() => (location.hash = "#/subject-report/%E0%A4%A"));
    await page.getByRole("heading", { name: "数据主体报告" }).waitFor();
    assert.equal(await page.getByRole("navigation").count(), 1, "the console is still there");

    // Verify: the whole chain, in the background, with progress; then the overview says when.
    await page.getByRole("link", { name: "日志核验" }).click();
    await page.getByRole("button", { name: "开始核验" }).click();
    await page.locator('article[data-status="INTACT"]').waitFor({ timeout: 30_000 });
    assert.match((await page.locator("article[data-run]").textContent()) ?? "", /发现 0 处问题/);
    await page.screenshot({ path: join(SCREENSHOTS, "verify.png"), fullPage: true });
    await assertAccessible(page, "verify");
    await page.getByRole("link", { name: "审计概览" }).click();
    await page.locator('[data-last-verification="INTACT"]').waitFor();

    // Tokens live in memory only; signing out forgets them.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
    assert.ok(!stored.includes(auditorToken), "the token is in no storage");
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.getByRole("button", { name: "登录" }).waitFor();
    assert.equal(await page.getByRole("link", { name: "访问日志" }).count(), 0);
    assert.deepEqual(await auditor.cspViolations(), []);
    await auditor.context.close();
  });

  /** What each overview chart shows, from its ECharts option: bars by category, the timeline's totals by outcome. */
  async function readCharts(page: Page) {
    type Option = { yAxis: { data?: string[] }[]; series: { id?: string; data: number[] }[] };
    const option = (name: string) =>
      page.evaluate((chart) => (window as unknown as ChartWindow).citygraphCharts![chart]!.getOption(), name) as Promise<Option>;
    const bars = async (name: string) => {
      const o = await option(name);
      return Object.fromEntries(o.yAxis[0]!.data!.map((category, i) => [category, o.series[0]!.data[i]]));
    };
    const timeline = await option("timeline");
    return {
      topDenied: await bars("topDenied"),
      byDepartment: await bars("byDepartment"),
      byAgreement: await bars("byAgreement"),
      timeline: Object.fromEntries(timeline.series.map((s) => [s.id, s.data.reduce((a, b) => a + b, 0)])),
    };
  }

  /** A token of `account` from the provider, by signing it in (the only way this provider issues one). */
  async function startOidcToken(account: keyof typeof ACCOUNTS): Promise<string> {
    const session = await signIn(account);
    await session.page.locator("tr[data-coordinate]").first().waitFor();
    const token = session.token();
    await session.context.close();
    return token;
  }

  it("agreements: admin A drafts in the wizard, seeing what the holder will read, and cannot approve; admin B approves, registers an operation and issues a key shown once", async () => {
    const a = await signIn("admin.a");
    await a.page.locator("tr[data-coordinate]").first().waitFor();
    const aToken = a.token();
    const creditCode = makeCreditCode("410105", 12);
    const org = await gql<{ createOrganization: { id: string } }>(
      `mutation($code: String!) { createOrganization(name: "郑州数智健康科技有限公司", creditCode: $code) { id } }`,
      { code: creditCode },
      aToken,
    );
    assert.ok(org.data, JSON.stringify(org.errors));
    // The draft wizard: party and purpose, fields from the catalog with what the holder will get,
    // rows, time and quota, review.
    await a.page.getByRole("link", { name: "数据共享协议" }).click();
    await a.page.getByRole("button", { name: "起草协议" }).click();
    // A label's name includes its select's chosen option, hence the prefix match.
    await a.page.getByRole("combobox", { name: /^机构/ }).selectOption({ label: `郑州数智健康科技有限公司 (${creditCode})` });
    await a.page.getByLabel("名称", { exact: true }).fill("发热门诊分析");
    await a.page.getByLabel("用途", { exact: true }).fill("epidemic-prevention");
    await a.page.getByLabel("法律依据", { exact: true }).fill("数据安全法第三十九条");
    await a.page.getByRole("button", { name: "下一步" }).click();
    await a.page.locator("[data-draft-step=fields]").waitFor();
    const grant = (coordinate: string, access: "FULL" | "MASKED" | "") =>
      a.page.getByLabel(`${coordinate} 的授予方式`).selectOption(access);
    const holderReads = (coordinate: string, access: string) =>
      a.page.locator(`tr[data-draft-field="${coordinate}"][data-access="${access}"]`).waitFor();
    await a.page.getByLabel("按字段或说明筛选").fill("person");
    await grant("Query.persons", "FULL");
    await grant("Person.name", "MASKED");
    await grant("Person.idNumber", "MASKED");
    await holderReads("Person.idNumber", "MASKED");
    await holderReads("Person.name", "MASKED");
    // Birth dates in full would make the name full too (the stronger grant wins) and undo the ID
    // number's mask: the wizard says both before anything is drafted, as the gateway decides.
    await grant("Person.birthDate", "FULL");
    await a.page.locator("[data-draft-problem]").waitFor();
    assert.match((await a.page.locator("[data-draft-problem]").textContent()) ?? "", /Person\.idNumber would be masked, but Person\.birthDate/);
    await holderReads("Person.idNumber", "DENIED");
    await holderReads("Person.name", "FULL");
    assert.equal(await a.page.locator('tr[data-draft-field="Person.name"]').getAttribute("data-differs"), "true");
    assert.ok(await a.page.getByRole("button", { name: "下一步" }).isDisabled(), "a draft the gateway would refuse goes no further");
    await a.page.getByLabel("只显示已选").check();
    assert.equal(await a.page.locator("tr[data-draft-field]").count(), 4);
    await a.page.screenshot({ path: join(SCREENSHOTS, "agreement-wizard.png"), fullPage: true });
    await assertAccessible(a.page, "agreement wizard (fields)");
    await grant("Person.birthDate", "");
    await holderReads("Person.idNumber", "MASKED");
    await a.page.locator("[data-draft-problem]").waitFor({ state: "detached" });
    assert.equal(await a.page.locator("[data-draft-chosen]").getAttribute("data-draft-chosen"), "3");
    await a.page.getByRole("button", { name: "下一步" }).click();
    await a.page.getByLabel("行政区划（行范围）").fill("410105");
    await a.page.getByLabel("每天记录数上限").fill("10000");
    await a.page.getByRole("button", { name: "下一步" }).click();
    assert.equal(await a.page.locator("[data-draft-scopes]").textContent(), "registry:internal registry:personal:masked registry:sensitive:masked");
    assert.deepEqual(
      await a.page.locator("[data-draft-review] li").evaluateAll((items) => items.map((li) => `${li.getAttribute("data-coordinate")}=${li.getAttribute("data-access")}`)),
      ["Person.idNumber=MASKED", "Person.name=MASKED", "Query.persons=FULL"],
    );
    await assertAccessible(a.page, "agreement wizard (review)");
    await a.page.getByRole("button", { name: "提交草稿" }).click();
    await a.page.locator("[data-agreement-detail]").waitFor();
    const id = (await a.page.locator("[data-agreement-detail]").getAttribute("data-agreement-detail")) ?? "";
    const stored = await gql<{ agreement: { status: string; scopes: string[]; allowedFields: string[]; districts: string[]; createdBy: string } }>(
      `query($id: ID!) { agreement(id: $id) { status scopes allowedFields districts createdBy } }`,
      { id },
      aToken,
    );
    assert.deepEqual(stored.data?.agreement, {
      status: "DRAFT",
      scopes: ["registry:internal", "registry:personal:masked", "registry:sensitive:masked"],
      allowedFields: ["Person.idNumber", "Person.name", "Query.persons"],
      districts: ["410105"],
      createdBy: "admin.a",
    }, JSON.stringify(stored.errors));
    await a.page.locator("[data-four-eyes]").waitFor();
    assert.equal(await a.page.getByRole("button", { name: "批准" }).count(), 0, "no approve button for the drafter");
    // …and the gateway refuses it too, whatever the page shows.
    const selfApproval = await gql(`mutation($id: ID!) { approveAgreement(id: $id) { id } }`, { id }, aToken);
    assert.ok(selfApproval.errors?.length, "the drafter cannot approve");
    await a.page.screenshot({ path: join(SCREENSHOTS, "agreement-draft.png") });
    await assertAccessible(a.page, "agreements (draft)");
    await a.context.close();

    const b = await signIn("admin.b");
    await b.page.getByRole("link", { name: "数据共享协议" }).click();
    await b.page.getByRole("button", { name: "查看: 发热门诊分析" }).click();
    // What the approver approves is on the page: the fields, the districts, the dates.
    const terms = (await b.page.locator("[data-agreement-detail] dl").textContent()) ?? "";
    for (const shown of ["Person.idNumber, Person.name, Query.persons", "410105"]) assert.ok(terms.includes(shown), `${shown} in ${terms}`);
    await b.page.getByRole("button", { name: "批准" }).click();
    await b.page.locator('[data-approved-by="admin.b"]').waitFor();
    assert.equal(await b.page.locator(`tr[data-agreement="${id}"]`).getAttribute("data-status"), "ACTIVE");
    // Operations: one reaching beyond the agreement is refused, naming what it would need.
    const register = async (name: string, document: string) => {
      await b.page.getByLabel("操作名称").fill(name);
      await b.page.getByLabel("查询文本").fill(document);
      await b.page.getByRole("button", { name: "登记", exact: true }).click();
    };
    await register("Births", "query Births { persons(first: 10) { nodes { birthDate } } }");
    await b.page.locator(".register [role=alert]").waitFor();
    assert.match((await b.page.locator(".register [role=alert]").textContent()) ?? "", /Person\.birthDate needs/);
    const operation = "query FeverClinicPersons { persons(first: 10) { nodes { name idNumber } } }";
    await register("FeverClinicPersons", operation);
    await b.page.locator('[data-registered="FeverClinicPersons"]').waitFor();
    await b.page.locator("[data-agreement-detail] li", { hasText: "FeverClinicPersons" }).waitFor();
    await b.page.getByRole("button", { name: "签发 API 密钥" }).click();
    const key = (await b.page.locator("[data-issued-key]").textContent()) ?? "";
    assert.match(key, /^cgk_[\w-]+\.[\w-]+$/);
    await b.page.screenshot({ path: join(SCREENSHOTS, "agreement-approved.png") });
    await assertAccessible(b.page, "agreements (approved)");
    // Shown once: back on the page, the key's id is listed, its secret is not.
    await b.page.getByRole("link", { name: "数据资产目录" }).click();
    await b.page.getByRole("link", { name: "数据共享协议" }).click();
    await b.page.getByRole("button", { name: "查看: 发热门诊分析" }).click();
    await b.page.locator("[data-agreement-detail]").waitFor();
    const detail = (await b.page.locator("[data-agreement-detail]").textContent()) ?? "";
    assert.ok(detail.includes(key.split(".")[0]!), "the key's id is listed");
    assert.ok(!detail.includes(key.split(".")[1]!), "the secret is not");
    // The holder's first call sends an operation it never registered: refused, and counted in the
    // agreement's use, which the administrator sees against the quota.
    const refused = await stack.query("{ districts { code } }", {}, { "x-api-key": key, "x-purpose": "epidemic-prevention" });
    assert.equal(refused.errors?.[0]?.extensions?.code, "OPERATION_NOT_PERSISTED");
    for (let attempt = 0; ; attempt++) {
      await b.page.getByRole("link", { name: "数据资产目录" }).click();
      await b.page.getByRole("link", { name: "数据共享协议" }).click();
      await b.page.getByRole("button", { name: "查看: 发热门诊分析" }).click();
      await b.page.locator("[data-usage-requests]").waitFor();
      if ((await b.page.locator("[data-usage-requests]").getAttribute("data-usage-requests")) === "1") break;
      assert.ok(attempt < 20, "the refusal reaches the agreement's use");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await b.page.waitForFunction(() => (window as unknown as ChartWindow).citygraphCharts?.usage?.getOption());
    const usage = (await b.page.evaluate(() => (window as unknown as ChartWindow).citygraphCharts!.usage!.getOption())) as {
      series: { id: string; data: number[]; markLine?: { data: { yAxis: number }[] } }[];
    };
    assert.deepEqual(usage.series.find((series) => series.id === "REFUSED")?.data, [1]);
    assert.equal(usage.series.find((series) => series.id === "records")?.markLine?.data[0]?.yAxis, 10_000, "the daily record quota is drawn");
    await b.page.screenshot({ path: join(SCREENSHOTS, "agreement-usage.png"), fullPage: true });
    await assertAccessible(b.page, "agreements (usage)");

    // Lifecycle, each applied at the holder's next request: B suspends, may not resume (four eyes),
    // rotates the key; A resumes; B revokes the new key.
    const holderCode = async (apiKey: string) =>
      (await stack.query("{ districts { code } }", {}, { "x-api-key": apiKey, "x-purpose": "epidemic-prevention" })).errors?.[0]?.extensions?.code;
    await b.page.getByLabel("原因（随变更记录）").fill("疑似超范围使用，核查中");
    await b.page.getByRole("button", { name: "暂停", exact: true }).click();
    await b.page.locator("[data-four-eyes-resume]").waitFor();
    assert.equal(await b.page.getByRole("button", { name: "恢复", exact: true }).count(), 0, "who suspended cannot resume");
    assert.equal(await holderCode(key), "AGREEMENT_INACTIVE");
    await b.page.getByRole("button", { name: "轮换密钥（撤销其他密钥）" }).click();
    await b.page.waitForFunction((old) => (document.querySelector("[data-issued-key]")?.textContent ?? old) !== old, key);
    const rotated = (await b.page.locator("[data-issued-key]").textContent()) ?? "";
    assert.equal(await holderCode(key), "API_KEY_INVALID", "the rotated-away key is dead at once");
    await assertAccessible(b.page, "agreements (suspended)");
    const a2 = await signIn("admin.a");
    await a2.page.getByRole("link", { name: "数据共享协议" }).click();
    await a2.page.getByRole("button", { name: "查看: 发热门诊分析" }).click();
    await a2.page.getByRole("button", { name: "恢复", exact: true }).click();
    await a2.page.locator('[data-agreement-detail] h2', { hasText: "生效" }).waitFor();
    assert.equal(await holderCode(rotated), "OPERATION_NOT_PERSISTED", "in force again: refused only for the unregistered operation");
    await a2.context.close();
    await b.page.getByRole("link", { name: "数据资产目录" }).click();
    await b.page.getByRole("link", { name: "数据共享协议" }).click();
    await b.page.getByRole("button", { name: "查看: 发热门诊分析" }).click();
    await b.page.getByRole("button", { name: `撤销密钥 ${rotated.split(".")[0]}` }).click();
    await b.page.locator(`[data-key="${rotated.split(".")[0]}"][data-revoked="true"]`).waitFor();
    assert.equal(await holderCode(rotated), "API_KEY_INVALID");
    assert.deepEqual(await b.cspViolations(), []);
    await b.context.close();
  });
});
