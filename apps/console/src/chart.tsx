import { useEffect, useRef } from "react";
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, AriaComponent, CanvasRenderer]);

declare global {
  interface Window {
    /**
     * The console's live ECharts instances by chart name, so that a browser test (or an auditor's
     * own script) can read what a chart shows — its option — rather than pixels.
     */
    citygraphCharts?: Record<string, echarts.ECharts>;
  }
}

/** One ECharts chart; `label` is its accessible name, and ECharts' aria module describes its data. */
export function Chart({ name, option, label }: { name: string; option: echarts.EChartsCoreOption; label: string }) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const chart = echarts.init(element.current!, undefined, { renderer: "canvas" });
    window.citygraphCharts = { ...window.citygraphCharts, [name]: chart };
    const resize = () => chart.resize();
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      delete window.citygraphCharts?.[name];
      chart.dispose();
    };
  }, [name]);
  useEffect(() => {
    // Tooltips drawn on the canvas: ECharts' HTML tooltips carry inline styles, which the
    // console's CSP (no 'unsafe-inline') refuses, one console error per hover.
    const tooltip = option.tooltip ? { tooltip: { ...(option.tooltip as object), renderMode: "richText" } } : {};
    window.citygraphCharts?.[name]?.setOption({ aria: { enabled: true }, ...option, ...tooltip }, true);
  }, [name, option]);
  return <div ref={element} className="chart" role="img" aria-label={label} data-chart={name} />;
}
