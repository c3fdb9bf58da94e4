/**
 * Charts as SVG (drawn with d3's scale, shape, contour and geo modules, no
 * DOM needed) and PNG (rasterised with resvg): line charts, training curves
 * and contour plots with optimizer trajectories.
 *
 * @module
 */
export { lineChart, lineChartBody } from "./line_chart.ts";
export type { LineChartOptions, Series } from "./line_chart.ts";
export { curvePanels, trainingCurves } from "./training_curves.ts";
export { panels } from "./panels.ts";
export type { PanelsOptions } from "./panels.ts";
export { contourChart } from "./contour_chart.ts";
export type { ContourChartOptions, Grid } from "./contour_chart.ts";
export { svgToPng } from "./png.ts";
export type { PngResult } from "./png.ts";
