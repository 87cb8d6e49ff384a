import { useCallback, useEffect, useMemo, useState } from "react";
import { ConsoleOverviewDocument, type ConsoleOverviewQuery } from "../generated/graphql.ts";
import { execute } from "../api.ts";
import { useI18n, type I18n } from "../i18n/index.tsx";
import { Chart } from "../chart.tsx";
import { Failure } from "./failure.tsx";
import { OUTCOMES, OUTCOME_COLORS } from "../outcomes.ts";

type Overview = ConsoleOverviewQuery;



/** The auditor's overview of the last day: charts drawn from `accessOverview` (ledger aggregates). */
export function OverviewPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [overview, setOverview] = useState<Overview>();
  const [error, setError] = useState<unknown>();
  const load = useCallback(() => {
    execute(ConsoleOverviewDocument, {})
      .then(setOverview)
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  const options = useMemo(() => overview && chartOptions(overview, i18n), [overview, i18n]);
  const dateTimeOf = (iso: string | null | undefined) => (iso ? i18n.dateTime(iso) : "—");
  if (error) return <Failure error={error} />;
  if (!overview || !options) return <p role="status">{t("common.loading")}</p>;
  const { accessAnomalies: feed, ledgerIntegrity: integrity } = overview;
  const last = integrity.lastVerification;
  return (
    <section aria-labelledby="overview-heading">
      <h1 id="overview-heading">{t("overview.heading")}</h1>
      <div className="toolbar">
        <span>{t("overview.window")}</span>
        <button type="button" onClick={load}>
          {t("overview.refresh")}
        </button>
      </div>
      <div className="charts">
        <figure>
          <figcaption>{t("overview.timeline")}</figcaption>
          <Chart name="timeline" label={t("overview.timeline")} option={options.timeline} />
        </figure>
        <figure>
          <figcaption>{t("overview.topDenied")}</figcaption>
          <Chart name="topDenied" label={t("overview.topDenied")} option={options.topDenied} />
        </figure>
        <figure>
          <figcaption>{t("overview.byDepartment")}</figcaption>
          <Chart name="byDepartment" label={t("overview.byDepartment")} option={options.byDepartment} />
        </figure>
        <figure>
          <figcaption>{t("overview.byAgreement")}</figcaption>
          <Chart name="byAgreement" label={t("overview.byAgreement")} option={options.byAgreement} />
        </figure>
        <figure data-anomalies={feed.anomalies.length}>
          <figcaption>{t("overview.anomalies")}</figcaption>
          {feed.anomalies.length ? (
            <Chart name="anomalies" label={t("overview.anomalies")} option={options.anomalies} />
          ) : (
            <p role="status">{t("overview.noAnomalies")}</p>
          )}
          <p className="note">{t("overview.anomalyRule")}</p>
        </figure>
        <figure aria-labelledby="integrity-caption">
          <figcaption id="integrity-caption">{t("overview.integrity")}</figcaption>
          <dl className="summary">
            <dt>{t("verify.head")}</dt>
            <dd>{integrity.headSeq ? `#${integrity.headSeq} · ${dateTimeOf(integrity.headAt)}` : t("verify.empty")}</dd>
            <dt>{t("verify.checkpoint")}</dt>
            <dd>{integrity.checkpointSeq ? `#${integrity.checkpointSeq} · ${dateTimeOf(integrity.checkpointAt)}` : t("common.none")}</dd>
            <dt>{t("overview.lastVerification")}</dt>
            <dd data-last-verification={last?.status ?? "NONE"}>
              {last ? `${t(`verify.status.${last.status}`)}${last.finishedAt ? ` · ${dateTimeOf(last.finishedAt)}` : ""}` : t("overview.neverVerified")}{" "}
              <a href="#/verify">{t("overview.toVerify")}</a>
            </dd>
          </dl>
        </figure>
      </div>
    </section>
  );
}

function horizontalBars(categories: string[], values: number[], color: string) {
  return {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: categories, inverse: true },
    series: [{ type: "bar", data: values, itemStyle: { color } }],
  };
}

function chartOptions({ accessOverview: overview, accessAnomalies: feed }: Overview, { t, dateTime }: I18n) {
  const starts = [...new Set(overview.timeline.map((p) => p.start))].sort();
  const count = new Map(overview.timeline.map((p) => [`${p.start}|${p.outcome}`, p.requests]));
  return {
    timeline: {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: starts.map((s) => dateTime(s).slice(0, -3)) },
      yAxis: { type: "value", minInterval: 1 },
      series: OUTCOMES.map((outcome) => ({
        id: outcome,
        name: t(`outcome.${outcome}`),
        type: "bar",
        stack: "requests",
        itemStyle: { color: OUTCOME_COLORS[outcome] },
        data: starts.map((s) => count.get(`${s}|${outcome}`) ?? 0),
      })),
    },
    topDenied: horizontalBars(
      overview.topDeniedCoordinates.map((d) => d.coordinate),
      overview.topDeniedCoordinates.map((d) => d.attempts),
      OUTCOME_COLORS.DENIED,
    ),
    byDepartment: horizontalBars(
      overview.personalReadsByDepartment.map((d) => d.key ?? "?"),
      overview.personalReadsByDepartment.map((d) => d.requests),
      "#1565c0",
    ),
    anomalies: {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: feed.anomalies.map((a) => a.principal), inverse: true },
      series: [
        { id: "reads", name: t("overview.anomalyReads"), type: "bar", data: feed.anomalies.map((a) => a.reads), itemStyle: { color: "#c62828" } },
        {
          id: "usual",
          name: t("overview.anomalyUsual"),
          type: "bar",
          data: feed.anomalies.map((a) => Math.round(a.usualPerHour * 10) / 10),
          itemStyle: { color: "#90a4ae" },
        },
      ],
    },
    byAgreement: horizontalBars(
      overview.personalReadsByAgreement.map((d) => d.key ?? t("overview.officials")),
      overview.personalReadsByAgreement.map((d) => d.requests),
      "#00838f",
    ),
  };
}
