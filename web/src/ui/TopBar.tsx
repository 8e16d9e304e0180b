import type { LayerGroup } from '../map/layers';

const LABELS: Record<LayerGroup, string> = {
  street: '街道',
  community: '社区',
  grid: '网格',
  compound: '小区',
  ticket: '工单',
};

interface Props {
  visible: Record<LayerGroup, boolean>;
  onToggle: (group: LayerGroup, visible: boolean) => void;
}

export function TopBar({ visible, onToggle }: Props) {
  return (
    <header className="topbar">
      <h1>一图 · 天长市社区治理</h1>
      <fieldset className="layer-list" data-testid="layer-list">
        <legend>图层</legend>
        {(Object.keys(LABELS) as LayerGroup[]).map((group) => (
          <label key={group}>
            <input
              type="checkbox"
              data-testid={`layer-toggle-${group}`}
              checked={visible[group]}
              onChange={(e) => onToggle(group, e.target.checked)}
            />
            {LABELS[group]}
          </label>
        ))}
      </fieldset>
    </header>
  );
}
