import { useCallback, useEffect, useState } from "react";
import {
  ConsoleLedgerIntegrityDocument,
  ConsoleLedgerVerificationDocument,
  ConsoleStartLedgerVerificationDocument,
  type ConsoleLedgerIntegrityQuery,
  type ConsoleVerificationRunFragment,
} from "../generated/graphql.ts";
import { execute } from "../api.ts";
import { useI18n } from "../i18n/index.tsx";
import { Failure } from "./failure.tsx";

type Integrity = ConsoleLedgerIntegrityQuery["ledgerIntegrity"];

/** How often a running verification is polled, milliseconds. */
const POLL_MS = 500;

/**
 * The ledger's integrity and an on-request verification (what `citygraph audit verify` does, with
 * the configured anchors): progress while it walks, then every break it found.
 */
export function VerifyPage() {
  const { t, dateTime } = useI18n();
  const [integrity, setIntegrity] = useState<Integrity>();
  const [run, setRun] = useState<ConsoleVerificationRunFragment | null>();
  const [error, setError] = useState<unknown>();
  const load = useCallback(() => {
    execute(ConsoleLedgerIntegrityDocument, {})
      .then((data) => {
        setIntegrity(data.ledgerIntegrity);
        setRun((current) => current ?? data.ledgerIntegrity.lastVerification);
      })
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  // Polls while the run shown is running; stops on unmount or once it has finished.
  useEffect(() => {
    if (run?.status !== "RUNNING") return;
    const timer = setTimeout(() => {
      execute(ConsoleLedgerVerificationDocument, { id: run.id })
        .then((data) => setRun(data.ledgerVerification))
        .catch(setError);
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [run]);
  useEffect(() => {
    if (run && run.status !== "RUNNING") load();
  }, [run?.status, load]);

  const start = () => {
    setError(undefined);
    execute(ConsoleStartLedgerVerificationDocument, {})
      .then((data) => setRun(data.startLedgerVerification))
      .catch(setError);
  };

  if (!integrity) return error ? <Failure error={error} /> : <p role="status">{t("common.loading")}</p>;
  return (
    <section aria-labelledby="verify-heading">
      <h1 id="verify-heading">{t("verify.heading")}</h1>
      <p>{t("verify.intro")}</p>
      <dl className="summary">
        <dt>{t("verify.head")}</dt>
        <dd data-head-seq={integrity.headSeq ?? ""}>
          {integrity.headSeq ? `#${integrity.headSeq} · ${dateTime(integrity.headAt!)}` : t("verify.empty")}
          {integrity.headHash ? (
            <>
              {" "}
              <code>{integrity.headHash.slice(0, 16)}…</code>
            </>
          ) : null}
        </dd>
        <dt>{t("verify.checkpoint")}</dt>
        <dd>
          {integrity.checkpointSeq
            ? `#${integrity.checkpointSeq} · ${dateTime(integrity.checkpointAt!)}`
            : t("common.none")}
        </dd>
        <dt>{t("verify.sinks")}</dt>
        <dd>{integrity.anchorSinks.length ? integrity.anchorSinks.join(", ") : t("verify.noSinks")}</dd>
      </dl>
      {error ? <Failure error={error} /> : null}
      {integrity.verifiable ? (
        <button type="button" onClick={start} disabled={run?.status === "RUNNING"}>
          {t("verify.start")}
        </button>
      ) : (
        <p className="note">{t("verify.unavailable")}</p>
      )}
      {run ? <Run run={run} /> : null}
    </section>
  );
}

/** One run: its progress, or what it found. */
function Run({ run }: { run: ConsoleVerificationRunFragment }) {
  const { t, dateTime, number } = useI18n();
  const total = Math.max(run.totalEntries, run.entriesChecked, 1);
  return (
    <article className="detail" aria-labelledby="run-heading" data-run={run.id} data-status={run.status}>
      <h2 id="run-heading">
        {t("verify.run", { when: dateTime(run.startedAt), who: run.requestedBy })} ·{" "}
        <span className={`badge verify-${run.status}`}>{t(`verify.status.${run.status}`)}</span>
      </h2>
      {run.status === "RUNNING" ? (
        <p>
          <label>
            {t("verify.progress", { checked: number(run.entriesChecked), total: number(run.totalEntries) })}{" "}
            <progress max={total} value={run.entriesChecked} />
          </label>
        </p>
      ) : (
        <p role="status">
          {run.failure ??
            t("verify.result", {
              entries: number(run.entriesChecked),
              breaks: number(run.breakCount),
              head: run.headSeq ?? "—",
            })}
        </p>
      )}
      {run.breaks.length ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t("verify.breaks")}>
          <table>
            <caption>{t("verify.breaks")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("verify.kind")}</th>
                <th scope="col">{t("verify.seq")}</th>
                <th scope="col">{t("verify.reason")}</th>
              </tr>
            </thead>
            <tbody>
              {run.breaks.map((b) => (
                <tr key={`${b.kind}-${b.seq}`} data-break={b.kind} data-seq={b.seq}>
                  <td>{b.kind}</td>
                  <td>{b.lastSeq ? `${b.seq}–${b.lastSeq}` : b.seq}</td>
                  <td>{b.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {run.anchors.length ? (
        <ul aria-label={t("verify.sinks")}>
          {run.anchors.map((a) => (
            <li key={a.source}>
              {t("verify.anchors", {
                source: a.source,
                anchors: number(a.anchors),
                latest: a.latestSeq ?? "—",
              })}
            </li>
          ))}
        </ul>
      ) : null}
      {run.warnings.map((w) => (
        <p key={w} className="note">
          {w}
        </p>
      ))}
    </article>
  );
}
