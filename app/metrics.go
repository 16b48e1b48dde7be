package app

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pier-analytics/pier/query"
)

// metrics is Pier's own Prometheus registry (not the global one, so tests
// can build many apps in one process).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	queries  *prometheus.CounterVec
	duration *prometheus.HistogramVec
	rows     prometheus.Counter
}

func newMetrics() *metrics {
	return &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pier_http_requests_total", Help: "HTTP requests by status code.",
		}, []string{"code"}),
		queries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pier_queries_total", Help: "Finished queries by status (ok, sql_error, throttled, timeout, cancelled, error).",
		}, []string{"status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "pier_query_duration_seconds", Help: "Query time from submission to the last row.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}, []string{"status"}),
		rows: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pier_query_rows_total", Help: "Rows returned by queries.",
		}),
	}
}

// register adds the collectors, including the engine's live gauges.
func (m *metrics) register(engine *query.Engine) {
	m.reg.MustRegister(m.requests, m.queries, m.duration, m.rows,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "pier_queries_in_flight", Help: "Queries holding a concurrency slot.",
		}, func() float64 { return float64(engine.InFlight()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "pier_query_workers", Help: "Query worker processes running or starting.",
		}, func() float64 { return float64(engine.Workers()) }),
	)
}

func (m *metrics) observeQuery(e query.LogEntry) {
	m.queries.WithLabelValues(e.Status).Inc()
	m.duration.WithLabelValues(e.Status).Observe(e.Duration.Seconds())
	m.rows.Add(float64(e.Rows))
}

func (m *metrics) observeHTTP(status int) {
	m.requests.WithLabelValues(strconv.Itoa(status)).Inc()
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

func (a *App) metricsPage(c echo.Context) error {
	a.metrics.handler().ServeHTTP(c.Response(), c.Request())
	return nil
}
