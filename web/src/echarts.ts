// ECharts with only the chart kinds and components the shared definitions use, and the SVG
// renderer: loaded with the first chart (a chunk of its own), so the overview never waits for it.
import { BarChart, FunnelChart, HeatmapChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, VisualMapComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

use([LineChart, BarChart, HeatmapChart, FunnelChart, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, VisualMapComponent, SVGRenderer]);

export { init };
