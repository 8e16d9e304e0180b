import { useEffect, useMemo, useState } from 'react';
import type { EChartsOption } from 'echarts';
import { DASHBOARD_QUERY, REPORT_PANEL_QUERY, type ResultOf } from '@yitu/schema';
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

/** The month and place whose tickets the map shows as a heat map. */
export interface HeatAsk {
  placeId: string | null;
  month: string;
}

/** Hours as days for the histogram's buckets: 0–1 天 … 10 天以上. */
const bucketName = (from: number, to: number | null) =>
  to === null ? tr('{d} 天以上', { d: from / 24 }) : tr('{a}–{b} 天', { a: from / 24, b: to / 24 });

/**
 * 报表: a place's month (default the last, Beijing time) with 环比 and 同比, its six-month trend,
 * the categories that grew, the counts along the loop and the time to close, as ECharts charts;
 * and the files the server writes (GET /reports/…), as plain links the session cookie opens.
 */
export function ReportsPanel({
  jurisdictionId,
  jurisdictionName,
  heat,
  heatTotal,
  onHeat,
  onShowMap,
}: {
  jurisdictionId: string | null;
  jurisdictionName: string;
  /** The heat map on the map now (null: none). */
  heat: HeatAsk | null;
  /** Its tickets, once counted. */
  heatTotal: number | null;
  onHeat: (ask: HeatAsk | null) => void;
  onShowMap: () => void;
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
  // 月度考评 is a region's: a grid's or everywhere's has none
  const isRegion = place !== null && regionList.some((r) => r.id === place);
  const data = report.data;
  const error = report.error === null ? null : describeError(report.error);
  const heatOn = heat !== null;
  // the heat map follows the month and place picked while it is on
  useEffect(() => {
    if (heatOn && (heat.month !== month || heat.placeId !== place))
      onHeat({ placeId: place, month });
  }, [heatOn, heat, month, place, onHeat]);

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
    // the loop's six stages, each the tickets that reached it in the month (an earlier month's
    // ticket may close in this one, so a later stage can hold more than the one before)
    const stages = [
      { name: tr('上报'), value: now.received },
      { name: tr('受理'), value: now.accepted },
      { name: tr('派单'), value: now.dispatched },
      { name: tr('处置'), value: now.resolved },
      { name: tr('核查'), value: now.verified },
      { name: tr('办结'), value: now.closed },
    ];
    const loopOption: EChartsOption = {
      tooltip: { trigger: 'item' },
      series: [
        {
          type: 'funnel',
          sort: 'none',
          top: 8,
          bottom: 8,
          left: '10%',
          width: '80%',
          label: { show: true, position: 'inside', formatter: '{b} {c}' },
          data: stages,
        },
      ],
    };
    // time to close: the month's closed tickets by days from report to resolution (SQL buckets)
    const buckets = now.resolutionHistogram;
    const timeOption: EChartsOption = {
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 24, top: 24, bottom: 24 },
      xAxis: { type: 'category', data: buckets.map((b) => bucketName(b.fromHours, b.toHours)) },
      yAxis: { type: 'value', name: tr('件'), minInterval: 1 },
      series: [
        {
          type: 'bar',
          data: buckets.map((b) => b.count),
          label: { show: true, position: 'top' },
        },
      ],
    };
    // received by category, this month against the last (the top ten of this month)
    const top = data.m0.byCategory.slice(0, 10);
    const categoryOption: EChartsOption | null =
      top.length === 0
        ? null
        : {
            tooltip: { trigger: 'axis' },
            legend: { top: 0 },
            grid: { left: 110, right: 24, top: 30, bottom: 24 },
            xAxis: { type: 'value', minInterval: 1 },
            yAxis: { type: 'category', data: top.map((c) => c.name), inverse: true },
            series: [
              { name: tr('本月'), type: 'bar', data: top.map((c) => c.current) },
              { name: tr('上月'), type: 'bar', data: top.map((c) => c.previous) },
            ],
          };
    const loopLabel = stages.map((s) => `${s.name} ${s.value}`).join(', ');
    const timeLabel = buckets
      .map((b) => `${bucketName(b.fromHours, b.toHours)} ${b.count}`)
      .join(', ');
    return { trendOption, loopOption, loopLabel, timeOption, timeLabel, categoryOption };
  }, [data, trend]);

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
            href={files('/reports/figures.xlsx', { place, month })}
            download
            data-testid="download-figures-xlsx"
          >
            {tr('统计报表 xlsx')}
          </a>
          <a
            href={files('/reports/figures.csv', { place, month })}
            download
            data-testid="download-figures-csv"
          >
            {tr('统计报表 CSV')}
          </a>
          <a
            href={files('/reports/tickets.xlsx', { place, month })}
            download
            data-testid="download-tickets-xlsx"
          >
            {tr('工单明细 xlsx')}
          </a>
        </span>
        <span className="reports-heat">
          <label>
            <input
              type="checkbox"
              checked={heatOn}
              onChange={(e) => onHeat(e.target.checked ? { placeId: place, month } : null)}
              data-testid="reports-heat"
            />{' '}
            {tr('地图热力图')}
          </label>
          {heatOn && heatTotal !== null && (
            <span className="hint" data-testid="reports-heat-total">
              {tr('{n} 件', { n: heatTotal })}
            </span>
          )}
          {heatOn && (
            <button type="button" onClick={onShowMap} data-testid="reports-show-map">
              {tr('查看地图')}
            </button>
          )}
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
              <figcaption>{tr('类别（本月与上月）')}</figcaption>
              {charts.categoryOption ? (
                <Chart option={charts.categoryOption} testId="chart-categories" />
              ) : (
                <p className="hint">{tr('本月没有工单')}</p>
              )}
            </figure>
            <figure>
              <figcaption>{tr('闭环（本月各环节件数）')}</figcaption>
              <Chart option={charts.loopOption} testId="chart-loop" label={charts.loopLabel} />
            </figure>
            <figure>
              <figcaption>{tr('办结时长分布（本月办结）')}</figcaption>
              <Chart option={charts.timeOption} testId="chart-time" label={charts.timeLabel} />
            </figure>
          </div>
        </>
      )}
    </section>
  );
}
