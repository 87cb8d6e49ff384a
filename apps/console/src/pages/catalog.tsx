import { useEffect, useState } from "react";
import { ConsoleDataAssetsDocument, ConsoleSchemaPathsDocument, type ConsoleDataAssetsQuery, type ConsoleSchemaPathsQuery } from "../generated/graphql.ts";
import { preparedQuery } from "../prepared-query.ts";
import { execute } from "../api.ts";
import { useI18n } from "../i18n/index.tsx";
import { Failure } from "./failure.tsx";
import { useCatalogFilter } from "../catalog-filter.tsx";

type Asset = ConsoleDataAssetsQuery["dataAssets"]["nodes"][number];

/** Every coordinate with its owner, classification, masking and the caller's own access (FULL/MASKED/DENIED). */
export function CatalogPage() {
  const { t, number } = useI18n();
  const [assets, setAssets] = useState<Asset[]>();
  const [error, setError] = useState<unknown>();
  const [schema, setSchema] = useState<ConsoleSchemaPathsQuery["__schema"]>();
  useEffect(() => {
    let cancelled = false;
    (async () => {
      // A few hundred rows: read every page, then filter in the browser.
      const all: Asset[] = [];
      let after: string | null | undefined;
      do {
        const page = await execute(ConsoleDataAssetsDocument, { after });
        all.push(...page.dataAssets.nodes);
        after = page.dataAssets.pageInfo.hasNextPage ? page.dataAssets.pageInfo.endCursor : undefined;
      } while (after);
      if (!cancelled) setAssets(all);
    })().catch((e: unknown) => !cancelled && setError(e));
    // For the explorer links only: without it the catalog is whole, just without links.
    execute(ConsoleSchemaPathsDocument, {}).then((data) => !cancelled && setSchema(data.__schema), () => undefined);
    return () => {
      cancelled = true;
    };
  }, []);
  const { matching: shown, controls } = useCatalogFilter(assets);
  if (error) return <Failure error={error} />;
  if (!assets) return <p role="status">{t("common.loading")}</p>;
  return (
    <section aria-labelledby="catalog-heading">
      <h1 id="catalog-heading">{t("catalog.heading")}</h1>
      <p>{t("catalog.intro")}</p>
      <div className="toolbar">
        {controls}
        <span role="status">{t("catalog.count", { count: number(shown.length) })}</span>
      </div>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t("catalog.heading")}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("catalog.coordinate")}</th>
              <th scope="col">{t("catalog.owner")}</th>
              <th scope="col">{t("catalog.level")}</th>
              <th scope="col">{t("catalog.masking")}</th>
              <th scope="col">{t("catalog.access")}</th>
              <th scope="col">{t("catalog.grantedBy")}</th>
              <th scope="col">{t("catalog.description")}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((a) => (
              <tr key={a.coordinate} data-coordinate={a.coordinate}>
                <th scope="row">
                  <code>{a.coordinate}</code>
                  <ExplorerLink schema={schema} coordinate={a.coordinate} />
                </th>
                <td>{a.owner}</td>
                <td>{t(`level.${a.level}`)}</td>
                <td>{a.kind ? (a.maskedBy.length ? a.kind : `${a.kind} · ${t("catalog.maskingNone")}`) : t("common.none")}</td>
                <td>
                  <span className={`badge access-${a.access}`} data-access={a.access}>
                    {t(`access.${a.access}`)}
                  </span>
                </td>
                <td className="scopes">
                  {a.access === "FULL"
                    ? ""
                    : (a.access === "MASKED" ? a.grantedBy.slice(0, 1) : [...a.grantedBy.slice(0, 1), ...a.maskedBy.slice(0, 1)]).join(" · ")}
                </td>
                <td>{a.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** A link into the explorer with a query that reads the field, when one needs no argument. */
function ExplorerLink({ schema, coordinate }: { schema: ConsoleSchemaPathsQuery["__schema"] | undefined; coordinate: string }) {
  const { t } = useI18n();
  const query = schema && preparedQuery(schema, coordinate);
  if (!query) return null;
  return (
    <>
      {" "}
      <a href={`/graphql#query=${encodeURIComponent(query)}`} target="_blank" rel="noopener" data-explorer-link aria-label={t("catalog.explore", { coordinate })}>
        {t("catalog.exploreShort")}
      </a>
    </>
  );
}
