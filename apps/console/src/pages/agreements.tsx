import { useCallback, useEffect, useState } from "react";
import {
  ConsoleAgreementsDocument,
  ConsoleApproveAgreementDocument,
  ConsoleIssueApiKeyDocument,
  type ConsoleAgreementFieldsFragment,
} from "../generated/graphql.ts";
import { execute } from "../api.ts";
import { currentSession } from "../auth.ts";
import { useI18n } from "../i18n/index.tsx";
import { Failure } from "./failure.tsx";

/** Administrators' agreements: list, detail, four-eyes approval, and a key shown once. */
export function AgreementsPage() {
  const { t, dateTime } = useI18n();
  const [agreements, setAgreements] = useState<ConsoleAgreementFieldsFragment[]>();
  const [selected, setSelected] = useState<string>();
  const [issuedKey, setIssuedKey] = useState<string>();
  const [error, setError] = useState<unknown>();
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
                  <button type="button" onClick={() => (setSelected(a.id), setIssuedKey(undefined))} aria-label={`${t("agreements.open")}: ${a.title}`}>
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
            <dt>{t("agreements.drafted")}</dt>
            <dd>
              {agreement.createdBy} · {dateTime(agreement.createdAt)}
            </dd>
          </dl>
          <p>{t("agreements.quota", { rpm: agreement.requestsPerMinute, rpd: agreement.recordsPerDay })}</p>
          {agreement.status === "DRAFT" ? (
            agreement.createdBy === me ? (
              <p className="note" data-four-eyes>
                {t("agreements.fourEyes", { createdBy: agreement.createdBy })}
              </p>
            ) : (
              <button type="button" onClick={() => act(() => execute(ConsoleApproveAgreementDocument, { id: agreement.id }))}>
                {t("agreements.approve")}
              </button>
            )
          ) : agreement.approvedBy ? (
            <p data-approved-by={agreement.approvedBy}>
              {t("agreements.approvedBy", { approvedBy: agreement.approvedBy, approvedAt: dateTime(agreement.approvedAt ?? agreement.createdAt) })}
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
          <h3>{t("agreements.keys")}</h3>
          <ul>
            {agreement.apiKeys.map((k) => (
              <li key={k.id}>
                <code>{k.id}</code> · {k.createdBy} · {k.revokedAt ? t("agreements.keyRevoked") : t("agreements.keyLive")}
              </li>
            ))}
          </ul>
          {agreement.status === "ACTIVE" || agreement.status === "SUSPENDED" ? (
            <button
              type="button"
              onClick={() =>
                act(async () => setIssuedKey((await execute(ConsoleIssueApiKeyDocument, { agreementId: agreement.id })).issueApiKey.key))
              }
            >
              {t("agreements.issueKey")}
            </button>
          ) : null}
          {issuedKey ? (
            <p role="status" className="once">
              {t("agreements.keyOnce")} <output data-issued-key>{issuedKey}</output>
            </p>
          ) : null}
        </article>
      ) : null}
    </section>
  );
}
