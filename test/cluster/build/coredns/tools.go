//go:build tools

// Package tools records the command this module builds (go build github.com/coredns/coredns).
package tools

import _ "github.com/coredns/coredns"
