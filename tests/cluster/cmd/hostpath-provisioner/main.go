// hostpath-provisioner is the provisioner of the cluster's default StorageClass, "standard", as kind's local-path
// provisioner is of kind's: a claim gets a folder on the node where its pod was scheduled (the class binds on the
// first consumer). One runs on every node (a DaemonSet, addons/storage.yaml) and serves only the claims of its own
// node, so it makes and removes the folders itself, with no helper pods. A folder is writable by every user: the
// pod's user is not known here, and a pod's fsGroup does not apply to hostPath volumes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
	"sigs.k8s.io/sig-storage-lib-external-provisioner/v11/controller"
)

const (
	provisionerName = "dockercoins.io/hostpath"
	nodeAnnotation  = "dockercoins.io/hostpath-node"
	selectedNode    = "volume.kubernetes.io/selected-node"
)

type nodeVolumes struct {
	node string
	root string
}

func main() {
	node := flag.String("node", os.Getenv("NODE_NAME"), "this node's name")
	root := flag.String("root", "/var/local-volumes", "the folder of the node that holds the volumes (mounted at the same path)")
	flag.Parse()
	if *node == "" {
		klog.Fatal("hostpath-provisioner: --node (or NODE_NAME) is needed")
	}
	config, err := rest.InClusterConfig()
	if err != nil {
		klog.Fatalf("hostpath-provisioner: %v", err)
	}
	ctx := context.Background()
	volumes := &nodeVolumes{node: *node, root: *root}
	klog.Infof("hostpath-provisioner: volumes of node %s in %s", *node, *root)
	controller.NewProvisionController(ctx, kubernetes.NewForConfigOrDie(config), provisionerName, volumes,
		controller.LeaderElection(false)).Run(ctx)
}

// ShouldProvision takes the claims whose pod the scheduler placed on this node.
func (p *nodeVolumes) ShouldProvision(_ context.Context, claim *v1.PersistentVolumeClaim) bool {
	return claim.Annotations[selectedNode] == p.node
}

// ShouldDelete takes the volumes this node made.
func (p *nodeVolumes) ShouldDelete(_ context.Context, pv *v1.PersistentVolume) bool {
	return pv.Annotations[nodeAnnotation] == p.node
}

func (p *nodeVolumes) Provision(_ context.Context, opts controller.ProvisionOptions) (*v1.PersistentVolume, controller.ProvisioningState, error) {
	claim := opts.PVC
	if opts.SelectedNode == nil {
		return nil, controller.ProvisioningFinished,
			errors.New("a hostpath volume needs the node of its pod: give the StorageClass volumeBindingMode: WaitForFirstConsumer")
	}
	if claim.Spec.VolumeMode != nil && *claim.Spec.VolumeMode == v1.PersistentVolumeBlock {
		return nil, controller.ProvisioningFinished, errors.New("hostpath volumes are folders: volumeMode Block is not supported")
	}
	path := filepath.Join(p.root, fmt.Sprintf("%s_%s_%s", claim.Namespace, claim.Name, opts.PVName))
	if err := os.MkdirAll(path, 0o777); err != nil {
		return nil, controller.ProvisioningFinished, err
	}
	if err := os.Chmod(path, 0o777); err != nil { // past the umask
		return nil, controller.ProvisioningFinished, err
	}
	reclaim := v1.PersistentVolumeReclaimDelete
	if opts.StorageClass.ReclaimPolicy != nil {
		reclaim = *opts.StorageClass.ReclaimPolicy
	}
	directory := v1.HostPathDirectory
	klog.Infof("hostpath-provisioner: %s for claim %s/%s", path, claim.Namespace, claim.Name)
	return &v1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: opts.PVName, Annotations: map[string]string{nodeAnnotation: p.node}},
		Spec: v1.PersistentVolumeSpec{
			PersistentVolumeReclaimPolicy: reclaim,
			AccessModes:                   claim.Spec.AccessModes,
			Capacity:                      v1.ResourceList{v1.ResourceStorage: claim.Spec.Resources.Requests[v1.ResourceStorage]},
			MountOptions:                  opts.StorageClass.MountOptions,
			PersistentVolumeSource: v1.PersistentVolumeSource{
				HostPath: &v1.HostPathVolumeSource{Path: path, Type: &directory},
			},
			NodeAffinity: &v1.VolumeNodeAffinity{Required: &v1.NodeSelector{NodeSelectorTerms: []v1.NodeSelectorTerm{{
				MatchExpressions: []v1.NodeSelectorRequirement{{
					Key: v1.LabelHostname, Operator: v1.NodeSelectorOpIn, Values: []string{p.node},
				}},
			}}}},
		},
	}, controller.ProvisioningFinished, nil
}

func (p *nodeVolumes) Delete(_ context.Context, pv *v1.PersistentVolume) error {
	if pv.Spec.HostPath == nil || !strings.HasPrefix(pv.Spec.HostPath.Path, p.root+"/") {
		return &controller.IgnoredError{Reason: "not a volume of " + p.root}
	}
	klog.Infof("hostpath-provisioner: removing %s (volume %s)", pv.Spec.HostPath.Path, pv.Name)
	return os.RemoveAll(pv.Spec.HostPath.Path)
}
