// nodenet joins one node's pods to the cluster's network, the job kindnet does in kind: once the controller
// manager has given the node its pod range (spec.podCIDR), it writes the node's CNI configuration (a bridge with
// that range), and it keeps one route per other node, "that node's pod range via that node's address", so that pods
// on different nodes reach each other directly. It watches the Node objects, so a node that joins, comes back or goes
// away changes the routes at once; a full resync every 30 s repairs whatever else removed them.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/vishvananda/netlink"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
)

const cniTemplate = `{
  "cniVersion": "1.0.0",
  "name": "dockercoins",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni0",
      "isGateway": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "%s"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
`

type nodeNet struct {
	self        string
	cniConf     string
	clusterCIDR *net.IPNet
	nodes       cache.Store
	mu          sync.Mutex
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of an identity that may list and watch nodes")
	self := flag.String("node", "", "this node's name")
	cniConf := flag.String("cni-conf", "/etc/cni/net.d/10-dockercoins.conflist", "where the CNI configuration goes")
	clusterCIDR := flag.String("cluster-cidr", "", "the pod range of the whole cluster (routes outside it are left alone)")
	flag.Parse()
	_, cidr, err := net.ParseCIDR(*clusterCIDR)
	if err != nil || *self == "" {
		log.Fatalf("nodenet: --node and a valid --cluster-cidr are needed (got %q, %q)", *self, *clusterCIDR)
	}
	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatalf("nodenet: %v", err)
	}
	client := kubernetes.NewForConfigOrDie(config)

	factory := informers.NewSharedInformerFactory(client, 30*time.Second)
	informer := factory.Core().V1().Nodes().Informer()
	n := &nodeNet{self: *self, cniConf: *cniConf, clusterCIDR: cidr, nodes: informer.GetStore()}
	resync := func(any) { n.sync() }
	if _, err := informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    resync,
		UpdateFunc: func(_, obj any) { resync(obj) },
		DeleteFunc: resync,
	}); err != nil {
		log.Fatalf("nodenet: %v", err)
	}
	ctx := context.Background()
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	log.Printf("nodenet: watching the nodes as %s", *self)
	for range time.Tick(30 * time.Second) {
		n.sync()
	}
}

// sync makes the CNI configuration and the routes what the Node objects say.
func (n *nodeNet) sync() {
	n.mu.Lock()
	defer n.mu.Unlock()
	want := map[string]net.IP{} // pod range -> the node that holds it
	for _, obj := range n.nodes.List() {
		node := obj.(*corev1.Node)
		if node.Spec.PodCIDR == "" {
			continue
		}
		if node.Name == n.self {
			n.writeCNIConf(node.Spec.PodCIDR)
			continue
		}
		if ip := internalIP(node); ip != nil {
			want[node.Spec.PodCIDR] = ip
		}
	}
	n.syncRoutes(want)
}

func (n *nodeNet) writeCNIConf(podCIDR string) {
	conf := []byte(fmt.Sprintf(cniTemplate, podCIDR))
	if old, err := os.ReadFile(n.cniConf); err == nil && bytes.Equal(old, conf) {
		return
	}
	// Written whole, then renamed: containerd watches the folder and must never read half a file.
	tmp := filepath.Join(filepath.Dir(n.cniConf), ".nodenet.tmp")
	if err := os.MkdirAll(filepath.Dir(n.cniConf), 0o755); err != nil {
		log.Printf("nodenet: %v", err)
		return
	}
	if err := os.WriteFile(tmp, conf, 0o644); err != nil {
		log.Printf("nodenet: %v", err)
		return
	}
	if err := os.Rename(tmp, n.cniConf); err != nil {
		log.Printf("nodenet: %v", err)
		return
	}
	log.Printf("nodenet: pods of this node get addresses in %s (%s)", podCIDR, n.cniConf)
}

func (n *nodeNet) syncRoutes(want map[string]net.IP) {
	routes, err := netlink.RouteList(nil, netlink.FAMILY_V4)
	if err != nil {
		log.Printf("nodenet: listing routes: %v", err)
		return
	}
	have := map[string]net.IP{}
	for _, r := range routes {
		if r.Dst == nil || r.Gw == nil || !n.clusterCIDR.Contains(r.Dst.IP) {
			continue
		}
		have[r.Dst.String()] = r.Gw
		if _, ok := want[r.Dst.String()]; !ok {
			if err := netlink.RouteDel(&r); err != nil {
				log.Printf("nodenet: removing the route to %s: %v", r.Dst, err)
			} else {
				log.Printf("nodenet: removed the route to %s (no node holds it)", r.Dst)
			}
		}
	}
	for cidr, gw := range want {
		if old, ok := have[cidr]; ok && old.Equal(gw) {
			continue
		}
		_, dst, _ := net.ParseCIDR(cidr)
		if err := netlink.RouteReplace(&netlink.Route{Dst: dst, Gw: gw}); err != nil {
			log.Printf("nodenet: route to %s via %s: %v", cidr, gw, err)
			continue
		}
		log.Printf("nodenet: pods in %s are reached via %s", cidr, gw)
	}
}

func internalIP(node *corev1.Node) net.IP {
	for _, a := range node.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			return net.ParseIP(a.Address).To4()
		}
	}
	return nil
}
