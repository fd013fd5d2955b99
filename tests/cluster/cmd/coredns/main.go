// coredns is CoreDNS with only the plugins the cluster's Corefile names (addons/coredns.yaml), compiled in the order
// they run, as CoreDNS' own docs build a custom server. The full build carries some fifty plugins and the cloud SDKs
// they need; these few share their Kubernetes libraries with the rest of tests/cluster/go.mod.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/hosts"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/metrics"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
	_ "github.com/coredns/coredns/plugin/template"
)

// The order in which a query passes the plugins: CoreDNS' own order, but template last, where it answers NXDOMAIN
// for every name that neither the hosts entries nor the cluster know (nothing is forwarded off the machine).
var directives = []string{
	"reload", "ready", "health", "prometheus", "errors", "log", "loadbalance", "cache",
	"hosts", "kubernetes", "loop", "template",
}

func main() {
	dnsserver.Directives = directives
	coremain.Run()
}
