import { Component, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { I18nProvider, LOCALES, useI18n, type Locale } from "./i18n/index.tsx";
import { completeSignIn, currentSession, loadSignInConfig, onSessionChange, signOut, startOidcSignIn, type SignInConfig } from "./auth.ts";
import { CatalogPage } from "./pages/catalog.tsx";
import { OverviewPage } from "./pages/overview.tsx";
import { AccessLogPage } from "./pages/access-log.tsx";
import { AgreementsPage } from "./pages/agreements.tsx";
import { SubjectReportPage } from "./pages/subject-report.tsx";
import { VerifyPage } from "./pages/verify.tsx";
import type { MessageKey } from "./i18n/zh-CN.ts";

/** Pages by hash route; `scope` only decides which links to offer — the gateway decides access. */
const PAGES = [
  { route: "catalog", label: "nav.catalog", scope: undefined, Page: CatalogPage },
  { route: "overview", label: "nav.overview", scope: "audit:read", Page: OverviewPage },
  { route: "access-log", label: "nav.accessLog", scope: "audit:read", Page: AccessLogPage },
  { route: "subject-report", label: "nav.subjectReport", scope: "audit:read", Page: SubjectReportPage },
  { route: "verify", label: "nav.verify", scope: "audit:read", Page: VerifyPage },
  { route: "agreements", label: "nav.agreements", scope: "governance:admin", Page: AgreementsPage },
] as const satisfies readonly { route: string; label: MessageKey; scope?: string; Page: () => JSX.Element }[];

/**
 * The page the address names, and the address itself. Re-read whenever `settled` changes too:
 * signing in rewrites the address with `history.replaceState`, which fires no `hashchange`.
 */
function useRoute(settled: unknown): { route: string; hash: string } {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const update = () => setHash(location.hash);
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  useEffect(() => setHash(location.hash), [settled]);
  return { route: /^#\/([\w-]+)/.exec(hash)?.[1] ?? "catalog", hash };
}

/**
 * Keeps one page's failure to that page: the header, the navigation and the session stay, and
 * going to another page (or this one again) starts afresh.
 */
class PageBoundary extends Component<{ message: string; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? (
      <p role="alert" className="error">
        {this.props.message}
      </p>
    ) : (
      this.props.children
    );
  }
}

export function App() {
  const [locale, setLocale] = useState<Locale>("zh-CN");
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  return (
    <I18nProvider locale={locale}>
      <Shell locale={locale} setLocale={setLocale} />
    </I18nProvider>
  );
}

function Shell({ locale, setLocale }: { locale: Locale; setLocale: (locale: Locale) => void }) {
  const { t } = useI18n();
  const session = useSyncExternalStore(onSessionChange, currentSession);
  const [config, setConfig] = useState<SignInConfig>();
  const [signingIn, setSigningIn] = useState(true);
  const [failure, setFailure] = useState<string>();
  const { route, hash } = useRoute(`${signingIn}-${session?.subject ?? ""}`);
  useEffect(() => {
    document.title = t("app.title");
  }, [t]);
  useEffect(() => {
    loadSignInConfig()
      .then(async (loaded) => {
        setConfig(loaded);
        await completeSignIn(loaded);
      })
      .catch((e: unknown) => setFailure(e instanceof Error ? e.message : String(e)))
      .finally(() => setSigningIn(false));
  }, []);
  // A sign-in link pasted into a console already open: the browser only changes the hash.
  useEffect(() => {
    // The address itself, not `hash`: the first sign-in above has already taken its code out of it.
    if (!config || !/(?:^#|&)signin=/.test(location.hash)) return;
    setFailure(undefined);
    setSigningIn(true);
    completeSignIn(config)
      .catch((e: unknown) => setFailure(e instanceof Error ? e.message : String(e)))
      .finally(() => setSigningIn(false));
  }, [config, hash]);
  const page = PAGES.find((p) => p.route === route) ?? PAGES[0];
  const offered = PAGES.filter((p) => !p.scope || session?.scopes.includes(p.scope));
  return (
    <>
      <a className="skip" href="#main">
        {t("app.skip")}
      </a>
      <header>
        <span className="brand">{t("app.title")}</span>
        {session ? (
          <nav aria-label={t("nav.label")}>
            {offered.map((p) => (
              <a key={p.route} href={`#/${p.route}`} aria-current={p.route === page.route ? "page" : undefined}>
                {t(p.label)}
              </a>
            ))}
          </nav>
        ) : null}
        <div className="session">
          <label>
            {t("lang.label")}
            <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
              {Object.keys(LOCALES).map((l) => (
                <option key={l} value={l}>
                  {l === "zh-CN" ? "简体中文" : "English"}
                </option>
              ))}
            </select>
          </label>
          {session ? (
            <>
              <span data-subject={session.subject}>{t("session.signedInAs", { subject: session.subject })}</span>
              <button type="button" onClick={signOut}>
                {t("session.signOut")}
              </button>
            </>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {failure ? (
          <p role="alert" className="error">
            {t("session.failed", { reason: failure })}
          </p>
        ) : null}
        {signingIn ? <p role="status">{t("session.signingIn")}</p> : session ? (
          // The subject report is keyed by its person too: another link opens another report.
          <PageBoundary key={`${page.route === "subject-report" ? hash : page.route}-${session.subject}`} message={t("page.failed")}>
            <page.Page />
          </PageBoundary>
        ) : <SignIn config={config} />}
      </main>
    </>
  );
}

function SignIn({ config }: { config: SignInConfig | undefined }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="signin-heading" className="signin">
      <h1 id="signin-heading">{t("session.signedOut")}</h1>
      {config?.kind === "oidc" ? (
        <button type="button" onClick={() => void startOidcSignIn(config)}>
          {t("session.signIn")}
        </button>
      ) : config?.kind === "dev" ? (
        <p>{t("session.devHint")}</p>
      ) : (
        <p>{t("session.none")}</p>
      )}
    </section>
  );
}
