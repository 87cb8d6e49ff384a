import { createContext, useContext, useMemo, type ReactNode } from "react";
import { zhCN, type MessageKey } from "./zh-CN.ts";
import { en } from "./en.ts";

/** The console's languages; Simplified Chinese is the default. */
export const LOCALES = { "zh-CN": zhCN, en } as const satisfies Record<string, Record<MessageKey, string>>;
export type Locale = keyof typeof LOCALES;

/** Dates are shown in the city's time zone whatever the browser's. */
export const TIME_ZONE = "Asia/Shanghai";

export interface I18n {
  locale: Locale;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** An instant as date and time in Asia/Shanghai. */
  dateTime(iso: string): string;
  number(value: number): string;
}

export function createI18n(locale: Locale): I18n {
  const catalog: Record<MessageKey, string> = LOCALES[locale];
  const dates = new Intl.DateTimeFormat(locale, {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
  });
  const numbers = new Intl.NumberFormat(locale);
  return {
    locale,
    t: (key, params) => catalog[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params?.[name] ?? "")),
    dateTime: (iso) => dates.format(new Date(iso)),
    number: (value) => numbers.format(value),
  };
}

const I18nContext = createContext<I18n>(createI18n("zh-CN"));

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const value = useMemo(() => createI18n(locale), [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
