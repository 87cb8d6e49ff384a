import { useEffect, useRef, useState, type FormEvent } from "react";
import {
  ConsoleAccessLogDocument,
  ConsoleAccessLogExportDocument,
  type AccessOutcome,
  type ConsoleAccessLogQuery,
  type ConsoleAccessLogQueryVariables,
  type LedgerExportFormat,
} from "../generated/graphql.ts";
import { execute } from "../api.ts";
import { useI18n } from "../i18n/index.tsx";
import { Failure } from "./failure.tsx";

type Entry = ConsoleAccessLogQuery["accessLog"]["nodes"][number];
type Filters = Omit<ConsoleAccessLogQueryVariables, "after">;

const OUTCOMES: readonly AccessOutcome[] = ["ALLOWED", "PARTIAL", "DENIED", "REFUSED", "ERROR"];
const TEXT_FILTERS = ["principal", "agreement", "purpose", "coordinate", "subject"] as const;

/** `datetime-local` values are wall-clock times in Shanghai, whatever the browser's zone. */
function shanghaiToIso(local: string): string | undefined {
  return local ? new Date(`${local}:00+08:00`).toISOString() : undefined;
}

/** The ledger, newest first, filtered on the server and paged by cursor; an entry opens in a dialog. */
export function AccessLogPage() {
  const { t, dateTime, number } = useI18n();
  const [filters, setFilters] = useState<Filters>({});
  // Cursors of the pages before the current one, to page back to the start.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<ConsoleAccessLogQuery["accessLog"]>();
  const [error, setError] = useState<unknown>();
  const [open, setOpen] = useState<Entry>();
  const dialog = useRef<HTMLDialogElement>(null);
  const after = cursors[cursors.length - 1];

  useEffect(() => {
    setError(undefined);
    execute(ConsoleAccessLogDocument, { ...filters, after })
      .then((data) => setPage(data.accessLog))
      .catch((e: unknown) => {
        // The rows of the previous filter would read as answers to this one.
        setPage(undefined);
        setError(e);
      });
  }, [filters, after]);
  useEffect(() => {
    if (open) dialog.current?.showModal();
  }, [open]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim() || undefined;
    setFilters({
      ...Object.fromEntries(TEXT_FILTERS.map((name) => [name, text(name)])),
      outcome: (text("outcome") as AccessOutcome | undefined) ?? undefined,
      from: shanghaiToIso(String(form.get("from") ?? "")),
      to: shanghaiToIso(String(form.get("to") ?? "")),
    });
    setCursors([undefined]);
  };

  return (
    <section aria-labelledby="log-heading">
      <h1 id="log-heading">{t("log.heading")}</h1>
      <form className="filters" onSubmit={submit} onReset={() => (setFilters({}), setCursors([undefined]))} aria-label={t("log.filters")}>
        <label>
          {t("log.from")}
          <input type="datetime-local" name="from" />
        </label>
        <label>
          {t("log.to")}
          <input type="datetime-local" name="to" />
        </label>
        {TEXT_FILTERS.map((name) => (
          <label key={name}>
            {t(`log.${name}`)}
            <input name={name} autoComplete="off" />
          </label>
        ))}
        <label>
          {t("log.outcome")}
          <select name="outcome" defaultValue="">
            <option value="">{t("common.all")}</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {t(`outcome.${o}`)}
              </option>
            ))}
          </select>
        </label>
        <div className="actions">
          <button type="submit">{t("log.apply")}</button>
          <button type="reset">{t("log.reset")}</button>
        </div>
      </form>
      <Export filters={filters} />
      {error ? <Failure error={error} /> : null}
      {!page && !error ? <p role="status">{t("common.loading")}</p> : null}
      {page ? (
        <>
          <div className="table-wrap" tabIndex={0} role="region" aria-label={t("log.heading")}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("log.time")}</th>
                  <th scope="col">{t("log.who")}</th>
                  <th scope="col">{t("log.operation")}</th>
                  <th scope="col">{t("log.purpose")}</th>
                  <th scope="col">{t("log.outcome")}</th>
                  <th scope="col">{t("log.records")}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t("log.details")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.nodes.map((entry) => (
                  <tr key={entry.seq} data-seq={entry.seq} data-outcome={entry.outcome}>
                    <td>{dateTime(entry.time)}</td>
                    <td>{entry.principal.kind === "anonymous" ? "anonymous" : `${entry.principal.kind}:${entry.principal.subject}`}</td>
                    <td>{entry.operationName ?? "—"}</td>
                    <td>{entry.purpose ?? "—"}</td>
                    <td>
                      <span className={`badge outcome-${entry.outcome}`}>{t(`outcome.${entry.outcome}`)}</span>
                    </td>
                    <td>{number(entry.rowCount)}</td>
                    <td>
                      <button type="button" onClick={() => setOpen(entry)} aria-label={`${t("log.details")} #${entry.seq}`}>
                        {t("log.details")}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {page.nodes.length === 0 ? <p role="status">{t("log.empty")}</p> : null}
          <nav className="pager" aria-label={t("log.heading")}>
            <button type="button" disabled={cursors.length === 1} onClick={() => setCursors([undefined])}>
              {t("log.first")}
            </button>
            <button
              type="button"
              disabled={!page.pageInfo.hasNextPage}
              onClick={() => setCursors([...cursors, page.pageInfo.endCursor ?? undefined])}
            >
              {t("log.next")}
            </button>
          </nav>
        </>
      ) : null}
      <dialog ref={dialog} onClose={() => setOpen(undefined)} aria-labelledby="entry-heading">
        {open ? (
          <div className="entry">
            <h2 id="entry-heading">{t("log.entry", { seq: open.seq })}</h2>
            <dl>
              <dt>{t("log.time")}</dt>
              <dd>{dateTime(open.time)}</dd>
              <dt>{t("log.requestId")}</dt>
              <dd>
                <code>{open.requestId}</code>
              </dd>
              <dt>{t("log.authority")}</dt>
              <dd>
                {t(`basis.${open.authority.basis}`, {
                  agreementId: open.authority.agreementId ?? "",
                  organization: open.authority.organization ?? "",
                })}
              </dd>
              <dt>{t("log.outcome")}</dt>
              <dd>
                {t(`outcome.${open.outcome}`)}
                {open.refusal ? ` (${open.refusal})` : ""}
              </dd>
              <dt>{t("log.subjects")}</dt>
              <dd>
                {number(open.subjects.length)}
                {open.subjects.length ? (
                  <ul className="subjects">
                    {open.subjects.slice(0, 20).map((person) => (
                      <li key={person}>
                        <a href={`#/subject-report/${encodeURIComponent(person)}`} aria-label={t("log.subjectLink", { person })}>
                          <code>{person}</code>
                        </a>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </dd>
              <dt>{t("log.latency")}</dt>
              <dd>{t("log.ms", { value: number(Math.round(open.latencyMs * 10) / 10) })}</dd>
            </dl>
            <h3>{t("log.fields")}</h3>
            <ul className="fields">
              {open.fields.map((f) => (
                <li key={f.coordinate}>
                  <code>{f.coordinate}</code> <span className={`badge access-${f.decision}`}>{t(`access.${f.decision}`)}</span>
                </li>
              ))}
            </ul>
            <form method="dialog">
              <button type="submit">{t("log.close")}</button>
            </form>
          </div>
        ) : null}
      </dialog>
    </section>
  );
}

/**
 * Exports the filtered range as `citygraph audit export` writes it (JSON Lines or CSV), fetched in
 * chunks with the auditor's own token, with progress and a way to stop; the file is assembled in
 * the browser and saved. The gateway records each chunk's request like any other.
 */
function Export({ filters }: { filters: Filters }) {
  const { t } = useI18n();
  const [progress, setProgress] = useState<{ entries: number; done: boolean; format: LedgerExportFormat }>();
  const [error, setError] = useState<unknown>();
  const stop = useRef(false);
  const run = async (format: LedgerExportFormat) => {
    stop.current = false;
    setError(undefined);
    const parts: string[] = [];
    let entries = 0;
    let after: string | undefined;
    setProgress({ entries, done: false, format });
    try {
      do {
        const { accessLogExport: chunk } = await execute(ConsoleAccessLogExportDocument, { ...filters, format, after });
        parts.push(chunk.text);
        entries += chunk.entries;
        after = chunk.hasNextPage ? (chunk.endCursor ?? undefined) : undefined;
        setProgress({ entries, done: false, format });
      } while (after && !stop.current);
      const type = format === "CSV" ? "text/csv" : "application/x-ndjson";
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob(parts, { type: `${type};charset=utf-8` }));
      link.download = `citygraph-access-log.${format === "CSV" ? "csv" : "jsonl"}`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      setProgress({ entries, done: true, format });
    } catch (e) {
      setError(e);
      setProgress(undefined);
    }
  };
  const busy = progress !== undefined && !progress.done;
  return (
    <div className="export" aria-label={t("log.export")} role="group">
      <button type="button" disabled={busy} onClick={() => void run("JSONL")}>
        {t("log.exportJsonl")}
      </button>
      <button type="button" disabled={busy} onClick={() => void run("CSV")}>
        {t("log.exportCsv")}
      </button>
      {busy ? (
        <button type="button" onClick={() => (stop.current = true)}>
          {t("log.exportStop")}
        </button>
      ) : null}
      {progress ? (
        <p role="status" data-exported={progress.done ? progress.entries : undefined}>
          {t(progress.done ? "log.exported" : "log.exporting", { entries: progress.entries })}
        </p>
      ) : null}
      {error ? <Failure error={error} /> : null}
    </div>
  );
}
