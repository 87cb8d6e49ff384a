import { RequestError } from "../api.ts";
import { useI18n } from "../i18n/index.tsx";

/** A page's failure, in the user's language; a denial names the scope that would grant the page. */
export function Failure({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (error instanceof RequestError && error.code === "FORBIDDEN") {
    const needs = error.errors.flatMap((e) => e.extensions?.denied ?? []).map((d) => d.needs);
    return (
      <p role="alert" className="error">
        {t("error.forbidden", { scope: [...new Set(needs)].join(", ") || "?" })}
      </p>
    );
  }
  return (
    <p role="alert" className="error">
      {t("error.request", { reason: error instanceof Error ? error.message : String(error) })}
    </p>
  );
}
