import { useState } from 'react';
import { tr } from '../../i18n';

// the kinds GET /exports/<kind>.<format> serves, in the order a street imports them
const KINDS: [string, string][] = [
  ['regions', tr('区域（区/街道/社区）')],
  ['property-companies', tr('物业公司')],
  ['compounds', tr('小区/院落')],
  ['grids', tr('网格/微网格')],
  ['buildings', tr('楼栋')],
  ['resources', tr('资源（党员、志愿者、组织…）')],
];

/**
 * 导出: the places and people of the viewer's jurisdiction as GeoJSON or xlsx, with the headers
 * the import reads, so another office can import the file as it is. Plain links: the browser
 * sends the session cookie and saves the file.
 */
export function ExportLinks() {
  const [kind, setKind] = useState('compounds');
  return (
    <div className="import-form export-links" data-testid="export-links">
      <h3>{tr('导出')}</h3>
      <label>
        {tr('数据类型')}
        <select value={kind} data-testid="export-kind" onChange={(e) => setKind(e.target.value)}>
          {KINDS.map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <a href={`/exports/${kind}.geojson`} download data-testid="export-geojson">
        GeoJSON
      </a>
      <a href={`/exports/${kind}.xlsx`} download data-testid="export-xlsx">
        xlsx
      </a>
      <p className="hint">
        {tr('本辖区的数据，表头与导入相同，可直接再导入；无权查看的个人信息已遮蔽。')}
      </p>
    </div>
  );
}
