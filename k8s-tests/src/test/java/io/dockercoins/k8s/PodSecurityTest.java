package io.dockercoins.k8s;

import static io.dockercoins.k8s.StrictParsingTest.assertNoProblems;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;

/**
 * Every pod passes the "restricted" Pod Security Standard (the checks of Kubernetes' Pod Security Admission at
 * that level, baseline included), and this project's own rules: read-only root filesystem with emptyDir only
 * where something writes, no service-account token, requests and limits on every container.
 */
class PodSecurityTest {

    /** Baseline's allowed sysctls (Kubernetes 1.29+ adds more; these are the ones every supported version takes). */
    static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range");
    /** Restricted's allowed volume types. */
    static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
            "persistentVolumeClaim", "projected", "secret");

    @Test
    void everyPodPassesTheRestrictedPodSecurityStandard() {
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload w : Manifests.workloads(Manifests.all())) {
            restricted(w.doc().where(), w.template().getSpec(), Manifests.claimTemplates(w.doc().resource()), problems);
        }
        assertNoProblems(problems);
    }

    static void restricted(String where, PodSpec pod, List<String> problems) {
        restricted(where, pod, Set.of(), problems);
    }

    /** {@code claims}: a StatefulSet's volumeClaimTemplates, persistentVolumeClaim volumes that restricted allows. */
    static void restricted(String where, PodSpec pod, Set<String> claims, List<String> problems) {
        PodSecurityContext psc = pod.getSecurityContext() != null ? pod.getSecurityContext() : new PodSecurityContext();
        // baseline
        if (Boolean.TRUE.equals(pod.getHostNetwork()) || Boolean.TRUE.equals(pod.getHostPID()) || Boolean.TRUE.equals(pod.getHostIPC())) {
            problems.add(where + ": host namespaces");
        }
        if (psc.getSysctls() != null) {
            for (Sysctl s : psc.getSysctls()) {
                if (!SAFE_SYSCTLS.contains(s.getName())) {
                    problems.add(where + ": sysctl " + s.getName() + " is not in baseline's safe set");
                }
            }
        }
        if (psc.getRunAsUser() != null && psc.getRunAsUser() == 0) {
            problems.add(where + ": pod runAsUser 0");
        }
        boolean podNonRoot = Boolean.TRUE.equals(psc.getRunAsNonRoot());
        boolean podSeccomp = allowedSeccomp(psc.getSeccompProfile());
        if (psc.getSeccompProfile() != null && !podSeccomp) {
            problems.add(where + ": pod seccompProfile " + psc.getSeccompProfile().getType());
        }
        for (Volume v : pod.getVolumes()) {
            String type = volumeType(v);
            if (!RESTRICTED_VOLUMES.contains(type)) {
                problems.add(where + ": volume " + v.getName() + " of type " + type);
            }
        }
        List<Container> containers = new ArrayList<>(pod.getContainers());
        containers.addAll(pod.getInitContainers());
        for (Container c : containers) {
            String cw = where + " container " + c.getName();
            SecurityContext sc = c.getSecurityContext();
            if (sc == null) {
                problems.add(cw + ": no securityContext");
                sc = new SecurityContext();
            }
            if (Boolean.TRUE.equals(sc.getPrivileged())) {
                problems.add(cw + ": privileged");
            }
            if (c.getPorts() != null && c.getPorts().stream().anyMatch(p -> p.getHostPort() != null && p.getHostPort() != 0)) {
                problems.add(cw + ": hostPort");
            }
            if (sc.getProcMount() != null && !"Default".equals(sc.getProcMount())) {
                problems.add(cw + ": procMount " + sc.getProcMount());
            }
            // restricted
            if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                problems.add(cw + ": allowPrivilegeEscalation must be false");
            }
            boolean nonRoot = sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : podNonRoot;
            if (!nonRoot) {
                problems.add(cw + ": runAsNonRoot must be true (pod or container)");
            }
            if (sc.getRunAsUser() != null && sc.getRunAsUser() == 0) {
                problems.add(cw + ": runAsUser 0");
            }
            boolean seccomp = sc.getSeccompProfile() != null ? allowedSeccomp(sc.getSeccompProfile()) : podSeccomp;
            if (!seccomp) {
                problems.add(cw + ": seccompProfile RuntimeDefault or Localhost needed (pod or container)");
            }
            Capabilities caps = sc.getCapabilities();
            if (caps == null || caps.getDrop() == null || !caps.getDrop().contains("ALL")) {
                problems.add(cw + ": capabilities must drop ALL");
            }
            if (caps != null && caps.getAdd() != null) {
                for (String add : caps.getAdd()) {
                    if (!add.equals("NET_BIND_SERVICE")) {
                        problems.add(cw + ": adds capability " + add);
                    }
                }
            }
            // this project's rules
            if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
                problems.add(cw + ": readOnlyRootFilesystem must be true");
            }
            for (VolumeMount m : c.getVolumeMounts()) {
                Volume v = pod.getVolumes().stream().filter(vol -> vol.getName().equals(m.getName())).findFirst().orElse(null);
                if (v == null && claims.contains(m.getName())) {
                    continue; // the StatefulSet's persistent volume: the one place meant to be written and kept
                }
                if (v == null) {
                    problems.add(cw + ": mounts " + m.getName() + ", no such volume");
                } else if (!Boolean.TRUE.equals(m.getReadOnly()) && v.getEmptyDir() == null) {
                    problems.add(cw + ": writable mount " + m.getMountPath() + " is not an emptyDir");
                } else if (v.getEmptyDir() != null && v.getEmptyDir().getSizeLimit() == null) {
                    problems.add(cw + ": emptyDir " + v.getName() + " without sizeLimit");
                }
            }
            ResourceRequirements r = c.getResources();
            for (String resource : List.of("cpu", "memory")) {
                if (r == null || r.getRequests() == null || !r.getRequests().containsKey(resource)) {
                    problems.add(cw + ": no " + resource + " request");
                }
                if (r == null || r.getLimits() == null || !r.getLimits().containsKey(resource)) {
                    problems.add(cw + ": no " + resource + " limit");
                }
            }
        }
        if (!Boolean.FALSE.equals(pod.getAutomountServiceAccountToken())) {
            problems.add(where + ": automountServiceAccountToken must be false (no app here calls the Kubernetes API)");
        }
    }

    private static boolean allowedSeccomp(SeccompProfile profile) {
        return profile != null && ("RuntimeDefault".equals(profile.getType()) || "Localhost".equals(profile.getType()));
    }

    private static String volumeType(Volume v) {
        if (v.getEmptyDir() != null) return "emptyDir";
        if (v.getConfigMap() != null) return "configMap";
        if (v.getSecret() != null) return "secret";
        if (v.getProjected() != null) return "projected";
        if (v.getDownwardAPI() != null) return "downwardAPI";
        if (v.getPersistentVolumeClaim() != null) return "persistentVolumeClaim";
        if (v.getCsi() != null) return "csi";
        if (v.getEphemeral() != null) return "ephemeral";
        if (v.getHostPath() != null) return "hostPath";
        return "other";
    }

    /** The test itself catches what it must: a pod as the extension generates it by default fails. */
    @Test
    void theCheckRejectsAnUnhardenedPod() {
        List<String> problems = new ArrayList<>();
        PodSpec pod = new io.fabric8.kubernetes.api.model.PodSpecBuilder()
                .addNewContainer().withName("rng").withImage("dockercoins-java/rng:v0.1").endContainer().build();
        restricted("default pod", pod, problems);
        String all = String.join("\n", problems);
        for (String expected : List.of("allowPrivilegeEscalation", "runAsNonRoot", "seccompProfile", "drop ALL",
                "readOnlyRootFilesystem", "no cpu request", "no memory limit", "automountServiceAccountToken")) {
            org.junit.jupiter.api.Assertions.assertTrue(all.contains(expected), "not caught: " + expected + "\n" + all);
        }
    }
}
