import { useEffect, useState, useSyncExternalStore } from "react";
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

function useRoute(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const update = () => setHash(location.hash);
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return /^#\/([\w-]+)/.exec(hash)?.[1] ?? "catalog";
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
  const route = useRoute();
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
        {signingIn ? <p role="status">{t("session.signingIn")}</p> : session ? <page.Page key={`${page.route}-${session.subject}`} /> : <SignIn config={config} />}
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
