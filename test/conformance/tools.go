//go:build tools

// Package tools only records the image binary this module also builds, so that `go mod tidy` keeps
// its dependencies in go.sum. Build it with `go build k8s.io/kubernetes/test/images/agnhost`.
package tools

import (
	_ "k8s.io/kubernetes/test/images/agnhost"
)
