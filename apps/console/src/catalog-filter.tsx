import { useMemo, useState, type ReactNode } from "react";
import { useI18n } from "./i18n/index.tsx";

/** What the catalog's filter looks at in a field. */
interface Filterable {
  coordinate: string;
  owner: string;
  description?: string | null;
}

/**
 * The catalog's filter — text in the coordinate or description, and the owning department — shared
 * by the catalog page and the draft wizard's field picker: the fields that match, and the two
 * labelled controls to place in a toolbar.
 */
export function useCatalogFilter<F extends Filterable>(
  fields: readonly F[] | undefined,
): { matching: F[]; controls: ReactNode } {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const [owner, setOwner] = useState("");
  const owners = useMemo(() => [...new Set(fields?.map((f) => f.owner))].sort(), [fields]);
  const matching = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return (fields ?? []).filter(
      (f) =>
        (!owner || f.owner === owner) &&
        (!needle ||
          f.coordinate.toLowerCase().includes(needle) ||
          (f.description ?? "").toLowerCase().includes(needle)),
    );
  }, [fields, text, owner]);
  const controls = (
    <>
      <label>
        {t("catalog.filter")}
        <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <label>
        {t("catalog.owner")}
        <select value={owner} onChange={(e) => setOwner(e.target.value)}>
          <option value="">{t("common.all")}</option>
          {owners.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
    </>
  );
  return { matching, controls };
}
