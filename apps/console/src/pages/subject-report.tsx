import { useEffect, useState, type FormEvent } from "react";
import { ConsoleSubjectReportDocument, type ConsoleSubjectReportQuery } from "../generated/graphql.ts";
import { execute } from "../api.ts";
import { useI18n } from "../i18n/index.tsx";
import { Failure } from "./failure.tsx";

type Access = ConsoleSubjectReportQuery["subjectAccessReport"]["nodes"][number];

/** The person id a link names: `#/subject-report/<id>` (the access log's entries link here). */
function personFromHash(): string {
  const raw = /^#\/subject-report\/([^/?#]+)/.exec(location.hash)?.[1] ?? "";
  // A hand-made link may carry a broken escape (`%E0%A4%A`): then no person, not a crash.
  try {
    return decodeURIComponent(raw);
  } catch {
    return "";
  }
}

/**
 * "Who accessed my data": one person's timeline of requests that returned their data — when, who,
 * why (purpose), on what authority, which fields — newest first, from `subjectAccessReport`.
 */
export function SubjectReportPage() {
  const { t, dateTime } = useI18n();
  const [personId, setPersonId] = useState(personFromHash);
  const [accesses, setAccesses] = useState<Access[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();

  const load = (id: string, after?: string) => {
    setError(undefined);
    execute(ConsoleSubjectReportDocument, { personId: id, after })
      .then(({ subjectAccessReport: page }) => {
        setAccesses((earlier) => [...(after ? (earlier ?? []) : []), ...page.nodes]);
        setNext(page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null);
      })
      .catch(setError);
  };
  useEffect(() => {
    if (personId) load(personId);
  }, [personId]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const id = String(new FormData(event.currentTarget).get("person") ?? "").trim();
    setAccesses(undefined);
    history.replaceState(null, "", `#/subject-report/${encodeURIComponent(id)}`);
    setPersonId(id);
    if (id === personId && id) load(id);
  };

  return (
    <section aria-labelledby="subject-heading">
      <h1 id="subject-heading">{t("subject.heading")}</h1>
      <p>{t("subject.intro")}</p>
      <form className="filters" onSubmit={submit} aria-label={t("subject.heading")}>
        <label>
          {t("subject.person")}
          <input name="person" defaultValue={personId} autoComplete="off" required spellCheck={false} />
        </label>
        <div className="actions">
          <button type="submit">{t("subject.show")}</button>
        </div>
      </form>
      {error ? <Failure error={error} /> : null}
      {personId && !accesses && !error ? <p role="status">{t("common.loading")}</p> : null}
      {accesses ? (
        accesses.length === 0 ? (
          <p role="status">{t("subject.none", { person: personId })}</p>
        ) : (
          <>
            <p role="status">{t("subject.count", { count: accesses.length, more: next ? "+" : "" })}</p>
            <ol className="timeline" aria-label={t("subject.timeline", { person: personId })}>
              {accesses.map((a) => (
                <li
                  key={a.seq}
                  data-seq={a.seq}
                  data-principal={`${a.principal.kind}:${a.principal.subject}`}
                >
                  <time dateTime={a.time}>{dateTime(a.time)}</time>
                  <div>
                    <strong>
                      {a.principal.kind === "anonymous"
                        ? "anonymous"
                        : `${a.principal.kind}:${a.principal.subject}`}
                    </strong>
                    {a.principal.org ? ` · ${a.principal.org}` : ""}
                    {" · "}
                    {t("subject.purpose", { purpose: a.purpose ?? t("subject.noPurpose") })}
                  </div>
                  <div>
                    {t(`basis.${a.authority.basis}`, {
                      agreementId: a.authority.agreementId ?? "",
                      organization: a.authority.organization ?? "",
                    })}
                    {a.operationName ? ` · ${a.operationName}` : ""} ·{" "}
                    <span className={`badge outcome-${a.outcome}`}>{t(`outcome.${a.outcome}`)}</span>
                  </div>
                  <ul className="fields" aria-label={t("log.fields")}>
                    {a.fields.map((f) => (
                      <li key={f.coordinate}>
                        <code>{f.coordinate}</code>{" "}
                        <span className={`badge access-${f.decision}`}>{t(`access.${f.decision}`)}</span>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ol>
            {next ? (
              <button type="button" onClick={() => load(personId, next)}>
                {t("subject.more")}
              </button>
            ) : null}
          </>
        )
      ) : null}
    </section>
  );
}
