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
export { contourChart, contourChartBody } from "./contour_chart.ts";
export type { ContourChartBody, ContourChartOptions, Grid } from "./contour_chart.ts";
export { svgToPng, svgToRgba } from "./png.ts";
export type { PngResult, RgbaResult } from "./png.ts";
export { animatedSvg, frameSteps, frameSvg } from "./animation.ts";
export type { AnimationOptions, Background, Box, Track } from "./animation.ts";
export { animatedGif } from "./gif.ts";
export type { GifOptions, GifResult } from "./gif.ts";
export { orthographic, surfaceChart, surfaceChartBody } from "./surface.ts";
export type {
  ProjectionOptions,
  SurfaceChartBody,
  SurfaceChartOptions,
  SurfacePath,
} from "./surface.ts";
