import { useCallback, useEffect, useMemo, useState, type FormEvent } from "react";
import {
  ConsoleAgreementUsageDocument,
  ConsoleAgreementsDocument,
  ConsoleApproveAgreementDocument,
  ConsoleIssueApiKeyDocument,
  ConsoleRegisterOperationDocument,
  ConsoleResumeAgreementDocument,
  ConsoleRevokeAgreementDocument,
  ConsoleRevokeApiKeyDocument,
  ConsoleRotateApiKeyDocument,
  ConsoleSuspendAgreementDocument,
  type AccessOutcome,
  type ConsoleAgreementFieldsFragment,
  type ConsoleAgreementUsageQuery,
} from "../generated/graphql.ts";
import { Chart } from "../chart.tsx";
import { OUTCOMES, OUTCOME_COLORS } from "../outcomes.ts";
import { execute } from "../api.ts";
import { currentSession } from "../auth.ts";
import { useI18n } from "../i18n/index.tsx";
import { Failure } from "./failure.tsx";
import { AgreementDraft } from "./agreement-draft.tsx";

/** Statuses in which an agreement takes new operations (as the governance subgraph's rule). */
const OPEN_STATUSES = ["DRAFT", "ACTIVE", "SUSPENDED"];

/** Administrators' agreements: list, the draft wizard, detail, four-eyes approval, operations, and a key shown once. */
export function AgreementsPage() {
  const { t, dateTime } = useI18n();
  const [agreements, setAgreements] = useState<ConsoleAgreementFieldsFragment[]>();
  const [selected, setSelected] = useState<string>();
  const [issuedKey, setIssuedKey] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [drafting, setDrafting] = useState(false);
  const load = useCallback(() => {
    execute(ConsoleAgreementsDocument, {})
      .then((data) => setAgreements(data.agreements.nodes))
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  const me = currentSession()?.subject;
  const agreement = agreements?.find((a) => a.id === selected);

  const act = (run: () => Promise<unknown>) => {
    setError(undefined);
    run().then(load).catch(setError);
  };

  if (!agreements) return error ? <Failure error={error} /> : <p role="status">{t("common.loading")}</p>;
  return (
    <section aria-labelledby="agreements-heading">
      <h1 id="agreements-heading">{t("agreements.heading")}</h1>
      {drafting ? (
        <AgreementDraft
          onCancel={() => setDrafting(false)}
          onDrafted={(drafted) => {
            setDrafting(false);
            setSelected(drafted.id);
            setIssuedKey(undefined);
            load();
          }}
        />
      ) : (
        <button type="button" onClick={() => (setDrafting(true), setSelected(undefined))}>
          {t("draft.start")}
        </button>
      )}
      {error ? <Failure error={error} /> : null}
      {agreements.length === 0 ? <p>{t("agreements.empty")}</p> : null}
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t("agreements.heading")}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("agreements.title")}</th>
              <th scope="col">{t("agreements.organization")}</th>
              <th scope="col">{t("agreements.status")}</th>
              <th scope="col">{t("agreements.validUntil")}</th>
              <th scope="col">{t("agreements.drafted")}</th>
              <th scope="col">{t("agreements.approved")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("agreements.open")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {agreements.map((a) => (
              <tr key={a.id} data-agreement={a.id} data-status={a.status}>
                <th scope="row">{a.title}</th>
                <td>{a.organization.name}</td>
                <td>{t(`status.${a.status}`)}</td>
                <td>{dateTime(a.validUntil)}</td>
                <td>{a.createdBy}</td>
                <td>{a.approvedBy ?? "—"}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => (setSelected(a.id), setIssuedKey(undefined))}
                    aria-label={`${t("agreements.open")}: ${a.title}`}
                  >
                    {t("agreements.open")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {agreement ? (
        <article className="detail" aria-labelledby="agreement-heading" data-agreement-detail={agreement.id}>
          <h2 id="agreement-heading">
            {agreement.title} · {t(`status.${agreement.status}`)}
          </h2>
          <dl>
            <dt>{t("agreements.organization")}</dt>
            <dd>
              {agreement.organization.name} ({agreement.organization.creditCode})
            </dd>
            <dt>{t("agreements.purposes")}</dt>
            <dd>{agreement.purposes.join(", ")}</dd>
            <dt>{t("agreements.legalBasis")}</dt>
            <dd>{agreement.legalBasis}</dd>
            <dt>{t("agreements.scopes")}</dt>
            <dd>
              <code>{agreement.scopes.join(" ")}</code>
            </dd>
            <dt>{t("agreements.fields")}</dt>
            <dd>{agreement.allowedFields.length ? <code>{agreement.allowedFields.join(", ")}</code> : t("agreements.allFieldsOfScopes")}</dd>
            <dt>{t("agreements.districts")}</dt>
            <dd>{agreement.districts.length ? agreement.districts.join(", ") : t("agreements.allDistricts")}</dd>
            <dt>{t("agreements.validity")}</dt>
            <dd>
              {dateTime(agreement.validFrom)} – {dateTime(agreement.validUntil)}
            </dd>
            <dt>{t("agreements.drafted")}</dt>
            <dd>
              {agreement.createdBy} · {dateTime(agreement.createdAt)}
            </dd>
          </dl>
          <p>{t("agreements.quota", { rpm: agreement.requestsPerMinute, rpd: agreement.recordsPerDay })}</p>
          <Usage agreementId={agreement.id} recordsPerDay={agreement.recordsPerDay} />
          {agreement.status === "DRAFT" ? (
            agreement.createdBy === me ? (
              <p className="note" data-four-eyes>
                {t("agreements.fourEyes", { createdBy: agreement.createdBy })}
              </p>
            ) : (
              <button
                type="button"
                onClick={() => act(() => execute(ConsoleApproveAgreementDocument, { id: agreement.id }))}
              >
                {t("agreements.approve")}
              </button>
            )
          ) : agreement.approvedBy ? (
            <p data-approved-by={agreement.approvedBy}>
              {t("agreements.approvedBy", {
                approvedBy: agreement.approvedBy,
                approvedAt: dateTime(agreement.approvedAt ?? agreement.createdAt),
              })}
            </p>
          ) : null}
          <h3>{t("agreements.operations")}</h3>
          <ul>
            {agreement.operations.map((o) => (
              <li key={o.sha256}>
                {o.name} <code>{o.sha256.slice(0, 16)}…</code> · {o.registeredBy}
              </li>
            ))}
          </ul>
          {OPEN_STATUSES.includes(agreement.status) ? (
            <RegisterOperation key={agreement.id} agreementId={agreement.id} onRegistered={load} />
          ) : null}
          <h3>{t("agreements.keys")}</h3>
          <ul>
            {agreement.apiKeys.map((k) => (
              <li key={k.id} data-key={k.id} data-revoked={k.revokedAt ? "true" : "false"}>
                <code>{k.id}</code> · {k.createdBy} ·{" "}
                {k.revokedAt ? t("agreements.keyRevoked") : t("agreements.keyLive")}{" "}
                {k.revokedAt ? null : (
                  <button type="button" onClick={() => act(() => execute(ConsoleRevokeApiKeyDocument, { id: k.id }))}>
                    {t("agreements.revokeKey", { id: k.id })}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {agreement.status === "ACTIVE" || agreement.status === "SUSPENDED" ? (
            <div className="actions">
              <button
                type="button"
                onClick={() =>
                  act(async () => setIssuedKey((await execute(ConsoleIssueApiKeyDocument, { agreementId: agreement.id })).issueApiKey.key))
                }
              >
                {t("agreements.issueKey")}
              </button>
              {agreement.apiKeys.some((k) => !k.revokedAt) ? (
                <button
                  type="button"
                  onClick={() =>
                    act(async () => setIssuedKey((await execute(ConsoleRotateApiKeyDocument, { agreementId: agreement.id })).rotateApiKey.key))
                  }
                >
                  {t("agreements.rotateKey")}
                </button>
              ) : null}
            </div>
          ) : null}
          {issuedKey ? (
            <p role="status" className="once">
              {t("agreements.keyOnce")} <output data-issued-key>{issuedKey}</output>
            </p>
          ) : null}
          <Lifecycle key={agreement.id} agreement={agreement} me={me} act={act} />
        </article>
      ) : null}
    </section>
  );
}

/**
 * Registers a persisted operation. The governance subgraph refuses one the agreement could never
 * run and names each field it would need; that message is shown as it comes.
 */
function RegisterOperation({ agreementId, onRegistered }: { agreementId: string; onRegistered: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>();
  const [registered, setRegistered] = useState<string>();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setError(undefined);
    setRegistered(undefined);
    execute(ConsoleRegisterOperationDocument, {
      agreementId,
      name: String(data.get("name") ?? "").trim(),
      document: String(data.get("document") ?? ""),
    })
      .then((result) => {
        setRegistered(result.registerOperation.name);
        form.reset();
        onRegistered();
      })
      .catch(setError);
  };
  return (
    <form className="register" onSubmit={submit} aria-labelledby="register-heading">
      <h4 id="register-heading">{t("operation.heading")}</h4>
      <label>
        {t("operation.name")}
        <input name="name" required pattern="[A-Za-z_][A-Za-z0-9_]*" autoComplete="off" />
      </label>
      <div className="field">
        <label>
          {t("operation.document")}
          <textarea name="document" required rows={6} spellCheck={false} aria-describedby="operation-help" />
        </label>
        <small id="operation-help">{t("operation.help")}</small>
      </div>
      <button type="submit">{t("operation.register")}</button>
      {error ? <Failure error={error} /> : null}
      {registered ? (
        <p role="status" data-registered={registered}>
          {t("operation.registered", { name: registered })}
        </p>
      ) : null}
    </form>
  );
}

type Usage = ConsoleAgreementUsageQuery["agreementUsage"];

/** An agreement's use over the last days (`agreementUsage`): requests by outcome, records returned against the daily quota. */
function Usage({ agreementId, recordsPerDay }: { agreementId: string; recordsPerDay: number }) {
  const { t, number } = useI18n();
  const [usage, setUsage] = useState<Usage>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setUsage(undefined);
    execute(ConsoleAgreementUsageDocument, { agreementId })
      .then((data) => setUsage(data.agreementUsage))
      .catch(setError);
  }, [agreementId]);
  const option = useMemo(() => {
    if (!usage) return undefined;
    const days = [...new Set(usage.byDay.map((d) => d.date))].sort();
    const cell = (day: string, outcome: AccessOutcome) =>
      usage.byDay.find((d) => d.date === day && d.outcome === outcome);
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: days },
      yAxis: [
        { type: "value", minInterval: 1, name: t("usage.requests") },
        // Up to the quota at least, so that use is seen against it.
        {
          type: "value",
          minInterval: 1,
          name: t("usage.records"),
          max: (extent: { max: number }) => Math.max(extent.max, recordsPerDay),
        },
      ],
      series: [
        ...OUTCOMES.map((outcome) => ({
          id: outcome,
          name: t(`outcome.${outcome}`),
          type: "bar",
          stack: "requests",
          itemStyle: { color: OUTCOME_COLORS[outcome] },
          data: days.map((day) => cell(day, outcome)?.requests ?? 0),
        })),
        {
          id: "records",
          name: t("usage.records"),
          type: "line",
          yAxisIndex: 1,
          itemStyle: { color: "#1565c0" },
          data: days.map((day) =>
            OUTCOMES.reduce(
              (sum, o) => sum + (o === "ALLOWED" || o === "PARTIAL" ? (cell(day, o)?.records ?? 0) : 0),
              0,
            ),
          ),
          markLine: {
            symbol: "none",
            data: [{ yAxis: recordsPerDay, name: t("usage.quota") }],
            label: { formatter: t("usage.quota") },
          },
        },
      ],
    };
  }, [usage, recordsPerDay, t]);
  if (error) return <Failure error={error} />;
  if (!usage || !option) return <p role="status">{t("common.loading")}</p>;
  return (
    <figure data-usage-requests={usage.requests}>
      <figcaption>
        {t("usage.heading", {
          requests: number(usage.requests),
          records: number(usage.recordsReturned),
          denied: number(usage.deniedAttempts),
        })}
      </figcaption>
      {usage.byDay.length ? (
        <Chart name="usage" label={t("usage.chart")} option={option} />
      ) : (
        <p>{t("usage.none")}</p>
      )}
    </figure>
  );
}

/**
 * Suspending, resuming and revoking, each applied by the gateway at the holder's next request.
 * Four eyes again: whoever suspended may not resume (the governance subgraph refuses it too).
 * Revoking is final, so it asks for the reason and a confirmation.
 */
function Lifecycle({
  agreement,
  me,
  act,
}: {
  agreement: ConsoleAgreementFieldsFragment;
  me: string | undefined;
  act: (run: () => Promise<unknown>) => void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState("");
  const [final, setFinal] = useState(false);
  if (!OPEN_STATUSES.includes(agreement.status)) return null;
  const suspendedByMe = agreement.status === "SUSPENDED" && agreement.updatedBy === me;
  return (
    <section aria-labelledby="lifecycle-heading" className="lifecycle">
      <h3 id="lifecycle-heading">{t("agreements.lifecycle")}</h3>
      {agreement.statusReason ? <p data-status-reason>{t("agreements.statusReason", { reason: agreement.statusReason })}</p> : null}
      {agreement.status === "SUSPENDED" ? (
        suspendedByMe ? (
          <p className="note" data-four-eyes-resume>
            {t("agreements.fourEyesResume", { by: agreement.updatedBy ?? "" })}
          </p>
        ) : (
          <button type="button" onClick={() => act(() => execute(ConsoleResumeAgreementDocument, { id: agreement.id }))}>
            {t("agreements.resume")}
          </button>
        )
      ) : null}
      <label className="field">
        {t("agreements.reason")}
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} maxLength={500} />
      </label>
      <div className="actions">
        {agreement.status === "ACTIVE" ? (
          <button
            type="button"
            disabled={!reason.trim()}
            onClick={() => act(() => execute(ConsoleSuspendAgreementDocument, { id: agreement.id, reason: reason.trim() }))}
          >
            {t("agreements.suspend")}
          </button>
        ) : null}
        <label className="inline">
          <input type="checkbox" checked={final} onChange={(e) => setFinal(e.target.checked)} />
          {t("agreements.revokeFinal")}
        </label>
        <button
          type="button"
          className="danger"
          disabled={!reason.trim() || !final}
          onClick={() => act(() => execute(ConsoleRevokeAgreementDocument, { id: agreement.id, reason: reason.trim() }))}
        >
          {t("agreements.revoke")}
        </button>
      </div>
    </section>
  );
}
