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
}

func newMetrics(engine *query.Engine) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pier_http_requests_total", Help: "HTTP requests by status code.",
		}, []string{"code"}),
	}
	m.reg.MustRegister(m.requests,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "pier_queries_in_flight", Help: "Queries holding a concurrency slot.",
		}, func() float64 { return float64(engine.InFlight()) }),
	)
	return m
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
