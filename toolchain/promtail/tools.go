//go:build tools

// Package tools pins promtail (github.com/grafana/loki/v3/clients/cmd/promtail) and Loki
// (github.com/grafana/loki/v3/cmd/loki) for toolchain/build.sh: one module version for both, so
// they share the module and build cache. 3.6.4 is the newest release the module proxy serves
// that still ships promtail (3.7 dropped it). go.mod repeats loki's own replace/exclude lines,
// except github.com/grafana/loki/pkg/push => ./pkg/push (the proxy serves that module).
package tools

import (
	_ "github.com/grafana/loki/v3/clients/cmd/promtail"
	_ "github.com/grafana/loki/v3/cmd/loki"
)
