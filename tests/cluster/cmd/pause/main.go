// pause is every pod's sandbox process (containerd's sandbox_image): it holds the pod's namespaces open, reaps the
// zombies of a pod that shares its process namespace, and exits on SIGINT or SIGTERM. It stands in for
// registry.k8s.io/pause, which no registry here can serve; built static and shipped FROM scratch.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for sig := range signals {
		if sig != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			var status syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
