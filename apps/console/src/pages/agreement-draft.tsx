import { useEffect, useMemo, useState, type FormEvent } from "react";
import {
  ConsoleCreateAgreementDocument,
  ConsoleDraftOrganizationsDocument,
  ConsoleGrantPreviewDocument,
  type ConsoleAgreementFieldsFragment,
  type ConsoleDraftOrganizationsQuery,
  type ConsoleGrantPreviewQuery,
} from "../generated/graphql.ts";
import { execute } from "../api.ts";
import { useI18n } from "../i18n/index.tsx";
import { Failure } from "./failure.tsx";
import { useCatalogFilter } from "../catalog-filter.tsx";

type Organization = ConsoleDraftOrganizationsQuery["organizations"]["nodes"][number];
type Preview = ConsoleGrantPreviewQuery["agreementGrantPreview"];
type Field = Preview["fields"][number];
/** What the administrator asks for a field; the preview says what the holder will actually read. */
type Choice = "FULL" | "MASKED";

const STEPS = ["party", "fields", "terms", "review"] as const;
type Step = (typeof STEPS)[number];
const DAY = 86_400_000;

/** A `date` input's value (a day in Shanghai) as the instant that day (plus `offsetDays`) starts there. */
function shanghaiDay(day: string, offsetDays = 0): string {
  return new Date(new Date(`${day}T00:00:00+08:00`).getTime() + offsetDays * DAY).toISOString();
}

/** Today (in Shanghai) plus `days`, as a `date` input's value. */
function shanghaiToday(days = 0): string {
  return new Date(Date.now() + 8 * 3_600_000 + days * DAY).toISOString().slice(0, 10);
}

/**
 * The scopes and field list that grant exactly the chosen fields: each field's own-level scope of
 * its owner (full or masked), narrowed to the chosen coordinates, so a scope never brings in the
 * owner's other fields.
 */
function grantsOf(
  fields: readonly Field[],
  choices: ReadonlyMap<string, Choice>,
): { scopes: string[]; allowedFields: string[] } {
  const scopes = new Set<string>();
  for (const field of fields) {
    const choice = choices.get(field.coordinate);
    const scope =
      choice === "FULL" ? field.grantedBy[0] : choice === "MASKED" ? field.maskedBy[0] : undefined;
    if (scope) scopes.add(scope);
  }
  return { scopes: [...scopes].sort(), allowedFields: [...choices.keys()].sort() };
}

function list(text: string): string[] {
  return text
    .split(/[\s,，、]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The draft wizard: party and purpose, fields picked from the catalog with the classification and
 * masking each will get (the governance subgraph decides, with the gateway's own function), rows,
 * time and quota, then a review. It only drafts: a second administrator approves.
 */
export function AgreementDraft({
  onDrafted,
  onCancel,
}: {
  onDrafted: (agreement: ConsoleAgreementFieldsFragment) => void;
  onCancel: () => void;
}) {
  const { t, number } = useI18n();
  const [step, setStep] = useState<Step>("party");
  const [organizations, setOrganizations] = useState<Organization[]>();
  const [party, setParty] = useState({ organizationId: "", title: "", purposes: "", legalBasis: "" });
  const [terms, setTerms] = useState({
    districts: "",
    validFrom: shanghaiToday(),
    validUntil: shanghaiToday(180),
    requestsPerMinute: "60",
    recordsPerDay: "10000",
  });
  const [choices, setChoices] = useState<ReadonlyMap<string, Choice>>(new Map());
  const [catalog, setCatalog] = useState<readonly Field[]>();
  const [preview, setPreview] = useState<Preview>();
  const [onlyChosen, setOnlyChosen] = useState(false);
  const [error, setError] = useState<unknown>();
  const [submitting, setSubmitting] = useState(false);

  useEffect(() => {
    Promise.all([
      execute(ConsoleDraftOrganizationsDocument, {}),
      execute(ConsoleGrantPreviewDocument, { scopes: [] }),
    ])
      .then(([orgs, empty]) => {
        setOrganizations(orgs.organizations.nodes);
        setCatalog(empty.agreementGrantPreview.fields.filter((f) => f.level !== "PUBLIC"));
        setPreview(empty.agreementGrantPreview);
      })
      .catch(setError);
  }, []);

  const grants = useMemo(() => grantsOf(catalog ?? [], choices), [catalog, choices]);
  useEffect(() => {
    if (!catalog) return;
    // The newest choice wins: an answer to an older one is dropped.
    let current = true;
    execute(ConsoleGrantPreviewDocument, grants)
      .then((data) => current && setPreview(data.agreementGrantPreview))
      .catch((e: unknown) => current && setError(e));
    return () => {
      current = false;
    };
  }, [catalog, grants]);

  const holder = useMemo(() => new Map(preview?.fields.map((f) => [f.coordinate, f.access])), [preview]);
  const { matching, controls } = useCatalogFilter(catalog);
  const shown = onlyChosen ? matching.filter((f) => choices.has(f.coordinate)) : matching;
  const chosen = (catalog ?? []).filter((f) => choices.has(f.coordinate));

  const choose = (coordinate: string, value: string) => {
    const next = new Map(choices);
    if (value === "FULL" || value === "MASKED") next.set(coordinate, value);
    else next.delete(coordinate);
    setChoices(next);
  };
  const go = (to: Step) => (event?: FormEvent) => {
    event?.preventDefault();
    setError(undefined);
    setStep(to);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSubmitting(true);
    const districts = list(terms.districts);
    execute(ConsoleCreateAgreementDocument, {
      input: {
        organizationId: party.organizationId,
        title: party.title,
        purposes: list(party.purposes),
        legalBasis: party.legalBasis,
        ...grants,
        districts,
        validFrom: shanghaiDay(terms.validFrom),
        // The last day chosen is included: the agreement expires at the next midnight.
        validUntil: shanghaiDay(terms.validUntil, 1),
        requestsPerMinute: Number(terms.requestsPerMinute),
        recordsPerDay: Number(terms.recordsPerDay),
      },
    })
      .then((data) => onDrafted(data.createAgreement))
      .catch(setError)
      .finally(() => setSubmitting(false));
  };

  if (!catalog || !organizations)
    return error ? <Failure error={error} /> : <p role="status">{t("common.loading")}</p>;
  const index = STEPS.indexOf(step);
  return (
    <section className="wizard" aria-labelledby="draft-heading" data-draft-step={step}>
      <h2 id="draft-heading">{t("draft.heading")}</h2>
      <ol className="steps">
        {STEPS.map((s, i) => (
          <li
            key={s}
            aria-current={s === step ? "step" : undefined}
            className={i < index ? "done" : undefined}
          >
            {t(`draft.step.${s}`)}
          </li>
        ))}
      </ol>
      {error ? <Failure error={error} /> : null}

      {step === "party" ? (
        <form className="filters" onSubmit={go("fields")}>
          <label>
            {t("agreements.organization")}
            <select
              required
              value={party.organizationId}
              onChange={(e) => setParty({ ...party, organizationId: e.target.value })}
            >
              <option value="">{t("draft.pickOrganization")}</option>
              {organizations.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name} ({o.creditCode})
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("agreements.title")}
            <input
              required
              maxLength={200}
              value={party.title}
              onChange={(e) => setParty({ ...party, title: e.target.value })}
            />
          </label>
          {/* The help stays outside the label, so that the input's name is the label alone. */}
          <div className="field">
            <label>
              {t("agreements.purposes")}
              <input
                required
                value={party.purposes}
                placeholder="epidemic-prevention"
                aria-describedby="draft-purposes-help"
                onChange={(e) => setParty({ ...party, purposes: e.target.value })}
              />
            </label>
            <small id="draft-purposes-help">{t("draft.purposesHelp")}</small>
          </div>
          <label>
            {t("agreements.legalBasis")}
            <input
              required
              maxLength={2000}
              value={party.legalBasis}
              onChange={(e) => setParty({ ...party, legalBasis: e.target.value })}
            />
          </label>
          <div className="actions">
            <button type="submit">{t("draft.next")}</button>
            <button type="button" onClick={onCancel}>
              {t("draft.cancel")}
            </button>
          </div>
        </form>
      ) : null}

      {step === "fields" ? (
        <form onSubmit={go("terms")}>
          <p>{t("draft.fieldsIntro")}</p>
          <div className="toolbar">
            {controls}
            <label className="inline">
              <input type="checkbox" checked={onlyChosen} onChange={(e) => setOnlyChosen(e.target.checked)} />
              {t("draft.onlyChosen")}
            </label>
            <span role="status" data-draft-chosen={chosen.length}>
              {t("draft.chosen", { count: number(chosen.length) })}
            </span>
          </div>
          {preview?.problem ? (
            <p role="alert" className="error" data-draft-problem>
              {t("draft.problem", { problem: preview.problem })}
            </p>
          ) : null}
          <div className="table-wrap" tabIndex={0} role="region" aria-label={t("draft.fieldsTable")}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("catalog.coordinate")}</th>
                  <th scope="col">{t("catalog.owner")}</th>
                  <th scope="col">{t("catalog.level")}</th>
                  <th scope="col">{t("catalog.masking")}</th>
                  <th scope="col">{t("draft.grant")}</th>
                  <th scope="col">{t("draft.holderReads")}</th>
                  <th scope="col">{t("catalog.description")}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((f) => (
                  <FieldRow
                    key={f.coordinate}
                    field={f}
                    choice={choices.get(f.coordinate)}
                    access={holder.get(f.coordinate)}
                    onChoose={choose}
                  />
                ))}
              </tbody>
            </table>
          </div>
          <div className="actions">
            <button type="button" onClick={go("party")}>
              {t("draft.back")}
            </button>
            <button type="submit" disabled={chosen.length === 0 || Boolean(preview?.problem)}>
              {t("draft.next")}
            </button>
          </div>
        </form>
      ) : null}

      {step === "terms" ? (
        <form className="filters" onSubmit={go("review")}>
          <div className="field">
            <label>
              {t("draft.districts")}
              <input
                value={terms.districts}
                placeholder="410105"
                aria-describedby="draft-districts-help"
                onChange={(e) => setTerms({ ...terms, districts: e.target.value })}
              />
            </label>
            <small id="draft-districts-help">{t("draft.districtsHelp")}</small>
          </div>
          <label>
            {t("draft.validFrom")}
            <input
              type="date"
              required
              value={terms.validFrom}
              onChange={(e) => setTerms({ ...terms, validFrom: e.target.value })}
            />
          </label>
          <label>
            {t("agreements.validUntil")}
            <input
              type="date"
              required
              min={terms.validFrom}
              value={terms.validUntil}
              onChange={(e) => setTerms({ ...terms, validUntil: e.target.value })}
            />
          </label>
          <label>
            {t("draft.requestsPerMinute")}
            <input
              type="number"
              required
              min={1}
              step={1}
              value={terms.requestsPerMinute}
              onChange={(e) => setTerms({ ...terms, requestsPerMinute: e.target.value })}
            />
          </label>
          <label>
            {t("draft.recordsPerDay")}
            <input
              type="number"
              required
              min={1}
              step={1}
              value={terms.recordsPerDay}
              onChange={(e) => setTerms({ ...terms, recordsPerDay: e.target.value })}
            />
          </label>
          <div className="actions">
            <button type="button" onClick={go("fields")}>
              {t("draft.back")}
            </button>
            <button type="submit">{t("draft.next")}</button>
          </div>
        </form>
      ) : null}

      {step === "review" ? (
        <form onSubmit={submit}>
          <dl>
            <dt>{t("agreements.organization")}</dt>
            <dd>{organizations.find((o) => o.id === party.organizationId)?.name}</dd>
            <dt>{t("agreements.title")}</dt>
            <dd>{party.title}</dd>
            <dt>{t("agreements.purposes")}</dt>
            <dd>{list(party.purposes).join(", ")}</dd>
            <dt>{t("agreements.legalBasis")}</dt>
            <dd>{party.legalBasis}</dd>
            <dt>{t("agreements.scopes")}</dt>
            <dd>
              <code data-draft-scopes>{grants.scopes.join(" ")}</code>
            </dd>
            <dt>{t("draft.districts")}</dt>
            <dd>{list(terms.districts).join(", ") || t("draft.everyDistrict")}</dd>
            <dt>{t("draft.validity")}</dt>
            <dd>
              {terms.validFrom} – {terms.validUntil}
            </dd>
          </dl>
          <p>{t("agreements.quota", { rpm: terms.requestsPerMinute, rpd: terms.recordsPerDay })}</p>
          <h3>{t("draft.fieldsHeading", { count: number(chosen.length) })}</h3>
          <ul data-draft-review>
            {chosen.map((f) => (
              <li key={f.coordinate} data-coordinate={f.coordinate} data-access={holder.get(f.coordinate)}>
                <code>{f.coordinate}</code> · {t(`level.${f.level}`)} ·{" "}
                {t(`access.${holder.get(f.coordinate) ?? "DENIED"}`)}
              </li>
            ))}
          </ul>
          <p className="note">{t("draft.fourEyes")}</p>
          <div className="actions">
            <button type="button" onClick={go("terms")}>
              {t("draft.back")}
            </button>
            <button type="submit" disabled={submitting}>
              {t("draft.submit")}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

/** One catalog field: its classification, the grant asked for, and what the holder will read. */
function FieldRow({
  field,
  choice,
  access,
  onChoose,
}: {
  field: Field;
  choice: Choice | undefined;
  access: string | undefined;
  onChoose: (coordinate: string, value: string) => void;
}) {
  const { t } = useI18n();
  // A choice the holder will not get as asked (a stronger grant of the same owner wins; a mask the
  // other choices undo denies) is flagged, so the administrator sees it before drafting.
  const differs = choice !== undefined && access !== choice;
  return (
    <tr data-draft-field={field.coordinate} data-access={access} data-differs={differs || undefined}>
      <th scope="row">
        <code>{field.coordinate}</code>
      </th>
      <td>{field.owner}</td>
      <td>{t(`level.${field.level}`)}</td>
      <td>
        {field.kind
          ? field.maskedBy.length
            ? field.kind
            : `${field.kind} · ${t("catalog.maskingNone")}`
          : t("common.none")}
      </td>
      <td>
        <select
          aria-label={t("draft.grantFor", { coordinate: field.coordinate })}
          value={choice ?? ""}
          onChange={(e) => onChoose(field.coordinate, e.target.value)}
        >
          <option value="">{t("draft.notGranted")}</option>
          <option value="FULL">{t("access.FULL")}</option>
          {field.maskedBy.length ? <option value="MASKED">{t("access.MASKED")}</option> : null}
        </select>
      </td>
      <td>
        {choice ? (
          <span className={`badge access-${access}`}>
            {t(`access.${access === "FULL" || access === "MASKED" ? access : "DENIED"}`)}
            {differs ? ` · ${t("draft.differs")}` : ""}
          </span>
        ) : (
          "—"
        )}
      </td>
      <td>{field.description}</td>
    </tr>
  );
}
