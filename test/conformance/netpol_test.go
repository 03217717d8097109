// Package conformance runs the upstream NetworkPolicy e2e specs (k8s.io/kubernetes/test/e2e/network/netpol)
// against the kubeknock test cluster. It links only that package and the e2e framework, not the whole
// e2e suite of test/e2e (which pulls in every cloud provider and takes far longer to build).
//
// Build: `go test -c -o netpol-e2e.test .` (test/conformance/build.sh does it, cached); run it through
// test/conformance/run.sh, which passes --kubeconfig, --provider=skeleton and the spec selection.
package conformance

import (
	"context"
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/component-base/logs"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/test/e2e/framework"
	"k8s.io/kubernetes/test/e2e/framework/config"
	e2enode "k8s.io/kubernetes/test/e2e/framework/node"
	utilnet "k8s.io/utils/net"

	// The specs under test.
	_ "k8s.io/kubernetes/test/e2e/network/netpol"

	// Framework extensions the upstream suite also links: namespace dumps on failure (events, pod
	// states, so a failed spec explains itself) and a check after each spec that every node is Ready.
	_ "k8s.io/kubernetes/test/e2e/framework/debug/init"
	_ "k8s.io/kubernetes/test/e2e/framework/node/init"
	// Readable gomega output for Kubernetes objects in failure messages.
	_ "k8s.io/kubernetes/test/utils/format"

	// Logging flags (-v and friends) on the command line, as in the upstream e2e binary.
	_ "k8s.io/component-base/logs/testinit"
)

func TestMain(m *testing.M) {
	config.CopyFlags(config.Flags, flag.CommandLine)
	framework.RegisterCommonFlags(flag.CommandLine)
	framework.RegisterClusterFlags(flag.CommandLine)
	flag.Parse()
	// A stray word would otherwise be ignored silently and the run would select the wrong specs.
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "unexpected arguments: %v\n", flag.Args())
		os.Exit(2)
	}
	// Applies the flags to the framework (kubeconfig, provider, report directory) and answers
	// --list-tests / --list-labels / --list-images without touching a cluster.
	framework.AfterReadingAllFlags(&framework.TestContext)
	os.Exit(m.Run())
}

func TestNetpol(t *testing.T) {
	logs.InitLogs()
	defer logs.FlushLogs()
	klog.EnableContextualLogging(true)
	gomega.RegisterFailHandler(framework.Fail)
	suiteConfig, reporterConfig := framework.CreateGinkgoConfig()
	ginkgo.RunSpecs(t, "NetworkPolicy conformance (k8s.io/kubernetes/test/e2e/network/netpol)", suiteConfig, reporterConfig)
}

// The part of the upstream suite setup these specs rely on: every node schedulable before the first
// spec places pods, and the cluster's primary IP family known to the framework. Not run by --ginkgo.dry-run.
var _ = ginkgo.BeforeSuite(func(ctx context.Context) {
	c, err := framework.LoadClientset()
	framework.ExpectNoError(err, "loading the client from --kubeconfig")
	framework.ExpectNoError(e2enode.WaitForAllNodesSchedulable(ctx, c, framework.NewTimeoutContext().NodeSchedulable),
		"waiting for every node to be schedulable")
	nodes, err := e2enode.GetReadySchedulableNodes(ctx, c)
	framework.ExpectNoError(err, "listing the ready schedulable nodes")
	framework.Logf("%d ready schedulable nodes", len(nodes.Items))

	svc, err := c.CoreV1().Services(metav1.NamespaceDefault).Get(ctx, "kubernetes", metav1.GetOptions{})
	framework.ExpectNoError(err, "reading the kubernetes Service to learn the primary IP family")
	framework.TestContext.IPFamily = "ipv4"
	if utilnet.IsIPv6String(svc.Spec.ClusterIP) {
		framework.TestContext.IPFamily = "ipv6"
	}
	framework.Logf("cluster primary IP family: %s", framework.TestContext.IPFamily)
})
