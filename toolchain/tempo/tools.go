//go:build tools

// Package tools pins Tempo v2.9.0 (github.com/grafana/tempo/cmd/tempo) for toolchain/build.sh.
// The module proxy serves v2.9.0 only as the pseudo-version of its commit (every +incompatible
// and /v2 path is refused); go.mod repeats tempo's own replace lines.
package tools

import _ "github.com/grafana/tempo/cmd/tempo"
