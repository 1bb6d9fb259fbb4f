//go:build tools

// Package tools pins promtail (github.com/grafana/loki/v3/clients/cmd/promtail) for
// toolchain/build.sh. 3.6.4 is the newest release the module proxy serves that still ships
// promtail (3.7 dropped it). go.mod repeats loki's own replace/exclude lines, except
// github.com/grafana/loki/pkg/push => ./pkg/push (the proxy serves that module).
package tools

import _ "github.com/grafana/loki/v3/clients/cmd/promtail"
