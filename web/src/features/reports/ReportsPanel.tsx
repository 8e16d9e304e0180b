import { useMemo, useState } from 'react';
import type { EChartsOption } from 'echarts';
import {
  DASHBOARD_QUERY,
  REPORT_CATEGORIES_QUERY,
  REPORT_PANEL_QUERY,
  type ResultOf,
} from '@yitu/schema';
import { describeError } from '../../data/graphql';
import { useQuery } from '../../data/use-query';
import { pct } from '../tickets/labels';
import { tr } from '../../i18n';
import { Chart } from './Chart';
import { lastMonth, monthsBack } from './months';

type Figures = ResultOf<typeof REPORT_PANEL_QUERY>['m0']['current'];
type Key =
  'received' | 'accepted' | 'closed' | 'resolutionRate' | 'onTimeRate' | 'satisfactionRate';

const ROWS: { key: Key | 'meanResolutionHours' | 'medianResolutionHours'; name: string }[] = [
  { key: 'received', name: tr('受理量（件）') },
  { key: 'accepted', name: tr('受理（件）') },
  { key: 'closed', name: tr('办结数（件）') },
  { key: 'resolutionRate', name: tr('办结率') },
  { key: 'onTimeRate', name: tr('按期办结率') },
  { key: 'satisfactionRate', name: tr('满意率') },
  { key: 'meanResolutionHours', name: tr('平均办结时长（小时）') },
  { key: 'medianResolutionHours', name: tr('办结时长中位数（小时）') },
];
const RATES = new Set(['resolutionRate', 'onTimeRate', 'satisfactionRate']);

const show = (key: string, v: number | null) =>
  v === null ? '—' : RATES.has(key) ? pct(v) : Number.isInteger(v) ? String(v) : v.toFixed(1);

/** 环比/同比: rates move in percentage points, counts and hours by a share of the earlier value. */
function change(key: string, now: number | null, then: number | null) {
  if (now === null || then === null) return '—';
  if (RATES.has(key)) {
    const pp = Math.round((now - then) * 1000) / 10;
    return tr('{n}个百分点', { n: `${pp > 0 ? '+' : ''}${pp}` });
  }
  if (then === 0) return now === 0 ? '0%' : '—';
  const p = Math.round(((now - then) / then) * 1000) / 10;
  return `${p > 0 ? '+' : ''}${p}%`;
}

const percent = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

/**
 * 报表: a place's month (default the last, Beijing time) with 环比 and 同比, its six-month trend,
 * the categories that grew, the counts along the loop and the time to close, as ECharts charts;
 * and the files the server writes (GET /reports/…), as plain links the session cookie opens.
 */
export function ReportsPanel({
  jurisdictionId,
  jurisdictionName,
}: {
  jurisdictionId: string | null;
  jurisdictionName: string;
}) {
  const [month, setMonth] = useState(() => lastMonth(new Date()));
  const [place, setPlace] = useState<string | null>(jurisdictionId);
  const regions = useQuery(DASHBOARD_QUERY, {});
  const regionList = regions.data?.regions.nodes ?? [];
  const months = monthsBack(month, 6);
  const report = useQuery(REPORT_PANEL_QUERY, {
    placeId: place,
    m0: months[0]!,
    m1: months[1]!,
    m2: months[2]!,
    m3: months[3]!,
    m4: months[4]!,
    m5: months[5]!,
  });
  // 月度考评 (and its 增长类别) is a region's: a grid's or everywhere's has none
  const isRegion = place !== null && regionList.some((r) => r.id === place);
  const grown = useQuery(
    REPORT_CATEGORIES_QUERY,
    isRegion && place ? { regionId: place, month } : null,
  );
  const data = report.data;
  const failed = report.error ?? grown.error;
  const error = failed === null ? null : describeError(failed);

  const trend = useMemo<Figures[]>(
    () =>
      data ? [data.m5, data.m4, data.m3, data.m2, data.m1, data.m0].map((r) => r.current) : [],
    [data],
  );
  const charts = useMemo(() => {
    if (!data) return null;
    const now = data.m0.current;
    const trendOption: EChartsOption = {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 40, top: 30, bottom: 24 },
      xAxis: { type: 'category', data: trend.map((f) => f.period.label) },
      yAxis: [
        { type: 'value', name: tr('件'), minInterval: 1 },
        { type: 'value', name: '%', min: 0, max: 100 },
      ],
      series: [
        { name: tr('受理量'), type: 'bar', data: trend.map((f) => f.received) },
        { name: tr('办结数'), type: 'bar', data: trend.map((f) => f.closed) },
        {
          name: tr('按期办结率'),
          type: 'line',
          yAxisIndex: 1,
          connectNulls: false,
          data: trend.map((f) => percent(f.onTimeRate)),
        },
        {
          name: tr('满意率'),
          type: 'line',
          yAxisIndex: 1,
          connectNulls: false,
          data: trend.map((f) => percent(f.satisfactionRate)),
        },
      ],
    };
    // only the stages the figures hold: reported, accepted, closed in the month (派单, 办结待核 and
    // 核实 are not counted per period yet, so they are not drawn)
    const stages = [
      { name: tr('上报'), value: now.received },
      { name: tr('受理'), value: now.accepted },
      { name: tr('办结'), value: now.closed },
    ];
    const loopOption: EChartsOption = {
      tooltip: { trigger: 'item' },
      series: [
        {
          type: 'funnel',
          sort: 'none',
          left: '10%',
          width: '80%',
          label: { show: true, position: 'inside', formatter: '{b} {c}' },
          data: stages,
        },
      ],
    };
    const hours = [
      { name: tr('办结（平均）'), value: now.meanResolutionHours },
      { name: tr('办结（中位）'), value: now.medianResolutionHours },
      { name: tr('响应（平均）'), value: now.meanResponseHours },
      { name: tr('响应（中位）'), value: now.medianResponseHours },
    ];
    const timeOption: EChartsOption = {
      tooltip: { trigger: 'axis' },
      grid: { left: 90, right: 24, top: 10, bottom: 24 },
      xAxis: { type: 'value', name: tr('小时') },
      yAxis: { type: 'category', data: hours.map((h) => h.name), inverse: true },
      series: [
        {
          type: 'bar',
          data: hours.map((h) => (h.value === null ? null : Math.round(h.value * 10) / 10)),
          label: { show: true, position: 'right' },
        },
      ],
    };
    return { trendOption, loopOption, timeOption };
  }, [data, trend]);

  const categories = grown.data?.monthlyAssessment.categoriesGrown ?? null;
  const categoryOption = useMemo<EChartsOption | null>(() => {
    if (!categories || categories.length === 0) return null;
    const top = categories.slice(0, 10);
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 110, right: 24, top: 30, bottom: 24 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: top.map((c) => c.name), inverse: true },
      series: [
        { name: tr('本月'), type: 'bar', data: top.map((c) => c.received) },
        { name: tr('上月'), type: 'bar', data: top.map((c) => c.previousReceived) },
      ],
    };
  }, [categories]);

  const files = (path: string, q: Record<string, string | null>) =>
    `${path}?${new URLSearchParams(
      Object.entries(q).filter((e): e is [string, string] => e[1] !== null),
    ).toString()}`;

  return (
    <section className="dashboard reports" data-testid="reports">
      <h2>{tr('报表')}</h2>
      <div className="reports-pick">
        <label>
          {tr('月份')}{' '}
          <input
            type="month"
            value={month}
            max={lastMonth(new Date())}
            onChange={(e) => e.target.value && setMonth(e.target.value)}
            data-testid="reports-month"
          />
        </label>
        <label>
          {tr('区域')}{' '}
          <select
            value={place ?? ''}
            onChange={(e) => setPlace(e.target.value || null)}
            data-testid="reports-place"
          >
            <option value={jurisdictionId ?? ''}>{jurisdictionName}</option>
            {regionList
              .filter((r) => r.id !== jurisdictionId)
              .map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
          </select>
        </label>
        <span className="reports-files">
          {isRegion && place && (
            <>
              <a
                href={files('/reports/assessment.xlsx', { region: place, month })}
                download
                data-testid="download-assessment-xlsx"
              >
                {tr('月度考评 xlsx')}
              </a>
              <a
                href={files('/reports/assessment.pdf', { region: place, month })}
                download
                data-testid="download-assessment-pdf"
              >
                {tr('月度考评 PDF')}
              </a>
            </>
          )}
          <a
            href={files('/reports/tickets.xlsx', { place, month })}
            download
            data-testid="download-tickets-xlsx"
          >
            {tr('工单明细 xlsx')}
          </a>
        </span>
      </div>
      {error && <p className="error">{error}</p>}
      {!data && !error && <p className="status">{tr('正在统计…')}</p>}
      {data && charts && (
        <>
          <p className="hint">{data.m0.subject}</p>
          <table data-testid="reports-figures">
            <thead>
              <tr>
                <th>{tr('指标')}</th>
                <th>{data.m0.current.period.label}</th>
                <th>{tr('上月')}</th>
                <th>{tr('环比')}</th>
                <th>{tr('去年同月')}</th>
                <th>{tr('同比')}</th>
              </tr>
            </thead>
            <tbody>
              {ROWS.map(({ key, name }) => {
                const [c, p, y] = [data.m0.current, data.m0.previous, data.m0.lastYear].map(
                  (f) => f[key],
                );
                return (
                  <tr key={key}>
                    <td>{name}</td>
                    <td>{show(key, c!)}</td>
                    <td>{show(key, p!)}</td>
                    <td>{change(key, c!, p!)}</td>
                    <td>{show(key, y!)}</td>
                    <td>{change(key, c!, y!)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="charts">
            <figure>
              <figcaption>{tr('近六个月趋势')}</figcaption>
              <Chart option={charts.trendOption} testId="chart-trend" />
            </figure>
            <figure>
              <figcaption>{tr('增长类别（本月比上月）')}</figcaption>
              {categoryOption ? (
                <Chart option={categoryOption} testId="chart-categories" />
              ) : (
                <p className="hint">
                  {isRegion
                    ? categories
                      ? tr('没有增长的类别')
                      : tr('正在统计…')
                    : tr('月度考评按区域：请选择街道或社区')}
                </p>
              )}
            </figure>
            <figure>
              <figcaption>{tr('闭环（本月各环节件数）')}</figcaption>
              <Chart option={charts.loopOption} testId="chart-loop" />
            </figure>
            <figure>
              <figcaption>{tr('办结与响应时长')}</figcaption>
              <Chart option={charts.timeOption} testId="chart-time" />
            </figure>
          </div>
        </>
      )}
    </section>
  );
}
