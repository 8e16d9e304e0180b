import { useEffect, useMemo, useState } from 'react';
import { fetchMapData, type MapData } from './data/map-data';
import { LAYER_GROUPS, type LayerGroup } from './map/layers';
import type { Selection } from './map/map-adapter';
import { MapView } from './map/MapView';
import { SidePanel } from './ui/SidePanel';
import { TopBar } from './ui/TopBar';

const ALL_VISIBLE = Object.fromEntries(LAYER_GROUPS.map((g) => [g, true])) as Record<
  LayerGroup,
  boolean
>;

export function App() {
  const [data, setData] = useState<MapData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [visible, setVisible] = useState(ALL_VISIBLE);
  const [selection, setSelection] = useState<Selection>(null);

  useEffect(() => {
    const abort = new AbortController();
    fetchMapData(abort.signal).then(setData, (e: unknown) => {
      if (!abort.signal.aborted) setError(e instanceof Error ? e.message : String(e));
    });
    return () => abort.abort();
  }, []);

  // The map hands back codes only; details come from the fetched rows.
  const byCode = useMemo(
    () => ({
      compounds: new Map(data?.compounds.map((c) => [c.code, c])),
      grids: new Map(data?.grids.map((g) => [g.code, g])),
    }),
    [data],
  );

  return (
    <div className="app">
      <TopBar visible={visible} onToggle={(g, on) => setVisible((v) => ({ ...v, [g]: on }))} />
      <main className="workspace">
        {data && (
          <MapView data={data} visible={visible} selection={selection} onSelect={setSelection} />
        )}
        <SidePanel
          compound={
            selection?.kind === 'compound' ? byCode.compounds.get(selection.code) : undefined
          }
          grid={selection?.kind === 'grid' ? byCode.grids.get(selection.code) : undefined}
          status={error ? `数据加载失败：${error}` : data ? undefined : '正在加载地图数据…'}
          onClose={() => setSelection(null)}
        />
      </main>
    </div>
  );
}
