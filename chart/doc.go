// Package chart turns a query result and a choice of chart (type, x, y,
// series) into what a page draws: an ECharts option built with go-echarts,
// or a single big number. Notebooks use it now; dashboards and the queue
// health page draw with it too, so every chart in Pier reads its data the
// same way. It imports only the root pier package.
package chart
