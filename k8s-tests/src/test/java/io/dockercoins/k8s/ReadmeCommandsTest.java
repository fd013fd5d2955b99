package io.dockercoins.k8s;

import static io.dockercoins.k8s.StrictParsingTest.assertNoProblems;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.zjsonpatch.JsonPatch;

/**
 * Every kubectl command of k8s/README.md's walkthrough and of each scenario folder's README.md, checked against the manifests: the files it applies
 * exist, the objects, containers and Service ports it names exist, its label selectors match pods, its image
 * changes keep the repository, and its patches apply to the manifest and leave a valid Deployment.
 */
class ReadmeCommandsTest {

    static final Pattern FENCE = Pattern.compile("(?s)```(?:bash|sh|console)\\n(.*?)```");
    static final Pattern SUBSHELL = Pattern.compile("\\$\\((kubectl [^()]*)\\)");

    /** {@code comment}: what the README says after a #, e.g. the answer it expects (yes, no, Forbidden). */
    record Command(String file, int line, String text, List<String> args, String comment) {
    }

    static final Pattern COMMENT = Pattern.compile("\\s+#\\s*(.*)$");

    /** k8s/README.md (the core walkthrough) and each scenario folder's README.md. */
    static List<Path> readmes() throws Exception {
        List<Path> readmes = new ArrayList<>(List.of(Manifests.K8S.resolve("README.md")));
        try (var folders = Files.list(Manifests.K8S)) {
            // k8s/operator/ is outside the manifests these tests know (like its CRD): the operator module tests it
            folders.filter(Files::isDirectory).filter(f -> !f.endsWith("operator"))
                    .map(f -> f.resolve("README.md")).filter(Files::isRegularFile).sorted().forEach(readmes::add);
        }
        return readmes;
    }

    static List<Command> commands() throws Exception {
        List<Command> commands = new ArrayList<>();
        for (Path path : readmes()) {
            commands.addAll(commands(Manifests.ROOT.relativize(path).toString(), Files.readString(path)));
        }
        return commands;
    }

    static List<Command> commands(String file, String readme) {
        List<Command> commands = new ArrayList<>();
        Matcher block = FENCE.matcher(readme);
        while (block.find()) {
            int firstLine = readme.substring(0, block.start(1)).split("\n", -1).length;
            String[] lines = block.group(1).replace("\\\n", " ").split("\n");
            String heredocEnd = null;
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (heredocEnd != null) {
                    if (line.equals(heredocEnd)) {
                        heredocEnd = null;
                    }
                    continue;
                }
                Matcher heredoc = Pattern.compile("<<-?'?(\\w+)'?").matcher(line);
                if (heredoc.find()) {
                    heredocEnd = heredoc.group(1);
                }
                line = line.replaceFirst("^\\$ ", "");
                Matcher commented = COMMENT.matcher(line);
                String comment = commented.find() ? commented.group(1) : "";
                line = line.replaceAll("\\s+#.*$", "");
                // $(kubectl ...) inside a command: checked on its own, then stands for what it prints (pod names)
                Matcher sub = SUBSHELL.matcher(line);
                while (sub.find()) {
                    commands.add(new Command(file, firstLine + i, sub.group(1), words(sub.group(1)), ""));
                }
                line = SUBSHELL.matcher(line).replaceAll("pod/PODS");
                for (String segment : line.split("&&|\\|\\||;|\\|")) {
                    List<String> w = words(segment.strip());
                    int k = w.indexOf("kubectl");
                    if (k >= 0 && (k == 0 || w.get(k - 1).equals("do") || w.get(k - 1).equals("then"))) {
                        commands.add(new Command(file, firstLine + i, segment.strip(), w.subList(k, w.size()), comment));
                    }
                }
            }
        }
        return commands;
    }

    /** Shell words, quotes removed (enough for these commands). */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : s.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (cur.length() > 0 || any) {
                    out.add(cur.toString());
                }
                cur.setLength(0);
                any = false;
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0 || any) {
            out.add(cur.toString());
        }
        return out;
    }

    static final Map<String, String> KINDS = Map.ofEntries(
            Map.entry("deployment", "Deployment"), Map.entry("deploy", "Deployment"), Map.entry("deployments", "Deployment"),
            Map.entry("service", "Service"), Map.entry("svc", "Service"), Map.entry("services", "Service"),
            // a Service's Endpoints object has the Service's name
            Map.entry("endpoints", "Service"), Map.entry("ep", "Service"),
            Map.entry("daemonset", "DaemonSet"), Map.entry("ds", "DaemonSet"),
            Map.entry("hpa", "HorizontalPodAutoscaler"), Map.entry("pdb", "PodDisruptionBudget"),
            Map.entry("networkpolicy", "NetworkPolicy"), Map.entry("netpol", "NetworkPolicy"),
            Map.entry("statefulset", "StatefulSet"), Map.entry("statefulsets", "StatefulSet"), Map.entry("sts", "StatefulSet"),
            Map.entry("job", "Job"), Map.entry("jobs", "Job"),
            Map.entry("cronjob", "CronJob"), Map.entry("cronjobs", "CronJob"), Map.entry("cj", "CronJob"),
            Map.entry("pvc", "PersistentVolumeClaim"), Map.entry("persistentvolumeclaim", "PersistentVolumeClaim"),
            Map.entry("serviceaccount", "ServiceAccount"), Map.entry("sa", "ServiceAccount"),
            Map.entry("role", "Role"), Map.entry("roles", "Role"), Map.entry("rolebinding", "RoleBinding"),
            Map.entry("priorityclass", "PriorityClass"), Map.entry("priorityclasses", "PriorityClass"), Map.entry("pc", "PriorityClass"),
            Map.entry("resourcequota", "ResourceQuota"), Map.entry("quota", "ResourceQuota"));
    /** Types whose objects the cluster makes or holds (not k8s/): names are not checked, except pods of a StatefulSet. */
    static final List<String> UNCHECKED_TYPES = List.of("pods", "pod", "po", "nodes", "node", "endpointslices",
            "events", "namespace", "ns", "all", "secrets", "secret", "storageclass", "storageclasses", "sc", "pv",
            "replicasets", "replicaset", "rs");

    @Test
    void everyKubectlCommandOfTheWalkthroughFitsTheManifests() throws Exception {
        List<Command> commands = commands();
        assertTrue(commands.size() >= 40, "found only " + commands.size() + " kubectl commands in k8s/**/README.md");
        for (Path readme : readmes().subList(1, readmes().size())) {
            String file = Manifests.ROOT.relativize(readme).toString();
            assertTrue(commands.stream().anyMatch(c -> c.file().equals(file)), file + " has no kubectl command: is it read?");
        }
        List<String> problems = new ArrayList<>();
        for (Command c : commands) {
            try {
                check(c, problems);
            } catch (RuntimeException e) {
                problems.add(where(c) + ": " + e);
            }
        }
        assertNoProblems(problems);
    }

    static String where(Command c) {
        return c.file() + ":" + c.line() + " `" + c.text() + "`";
    }

    static void check(Command c, List<String> problems) throws Exception {
        List<String> a = new ArrayList<>(c.args().subList(1, c.args().size()));
        String namespace = option(a, "-n", "--namespace");
        String verb = a.isEmpty() ? "" : a.remove(0);
        String selector = option(a, "-l", "--selector");
        // kubectl logs -f is --follow, not a file
        String file = verb.equals("logs") ? null : option(a, "-f", "--filename");
        String kustomization = option(a, "-k", "--kustomize");
        option(a, "-o", "--output"); // -o wide, -o name: not a name
        option(a, "--tail", "--tail"); // kubectl logs --tail 1: a count, not a name
        String port = option(a, "--port", "--port"); // kubectl expose --port 80
        List<String> positional = a.stream().filter(s -> !s.startsWith("-")).toList();
        if (selector != null && !positional.isEmpty() && List.of("pods", "pod", "po", "replicasets", "replicaset", "rs").contains(positional.get(0))
                && !selectorMatchesSomePod(selector)) {
            problems.add(where(c) + ": selector " + selector + " matches no pod template of k8s/");
        }
        switch (verb) {
            case "apply", "delete" -> {
                if (kustomization != null) {
                    kustomization(c, kustomization, problems);
                } else if (file != null) {
                    if (!file.equals("-")) {
                        Path path = Manifests.ROOT.resolve(file);
                        if (!Files.exists(path)) {
                            problems.add(where(c) + ": " + file + " does not exist");
                        } else if (Files.isDirectory(path) && Manifests.all().stream().noneMatch(d -> d.file().startsWith(path.normalize()))) {
                            problems.add(where(c) + ": " + file + " holds no manifest");
                        }
                    }
                } else {
                    resource(c, positional, problems, namespace);
                }
            }
            case "exec" -> {
                resource(c, positional.subList(0, 1), problems, namespace);
                impersonated(c, a, List.of(Rbac.request("create", "pods/exec", null)), problems);
            }
            case "auth" -> authCanI(c, a, positional, problems);
            case "get", "describe", "logs", "top", "wait" -> {
                if (selector != null && positional.isEmpty()) {
                    // kubectl logs -l app=rng --tail 1: the pods of that selector
                    if (!selectorMatchesSomePod(selector)) {
                        problems.add(where(c) + ": selector " + selector + " matches no pod template of k8s/");
                    }
                } else if (!a.contains("--raw")) {
                    resource(c, positional, problems, namespace);
                }
                if (verb.equals("get") && !positional.isEmpty()) {
                    String[] typeName = typeAndName(positional);
                    impersonated(c, a, List.of(Rbac.request(typeName[1] == null ? "list" : "get", Rbac.resource(typeName[0]), typeName[1])), problems);
                }
            }
            case "scale" -> {
                deployment(c, positional, problems);
                String replicas = a.stream().filter(s -> s.startsWith("--replicas=")).findFirst().orElse(null);
                if (replicas == null || !replicas.substring(11).matches("\\d+")) {
                    problems.add(where(c) + ": no --replicas=N");
                }
                // kubectl scale reads the Deployment, then PATCHes its scale subresource
                String name = typeAndName(positional)[1];
                impersonated(c, a, List.of(Rbac.request("get", "deployments", name), Rbac.request("patch", "deployments/scale", name)), problems);
            }
            case "set" -> {
                if (positional.get(0).equals("env")) {
                    setEnv(c, positional.subList(1, positional.size()), problems);
                    return;
                }
                if (!positional.get(0).equals("image")) {
                    problems.add(where(c) + ": only `set image` and `set env` are checked");
                    return;
                }
                Optional<Deployment> d = deployment(c, positional.subList(1, positional.size()), problems);
                // kubectl set image reads the Deployment, then PATCHes it
                String name = typeAndName(positional.subList(1, positional.size()))[1];
                impersonated(c, a, List.of(Rbac.request("get", "deployments", name), Rbac.request("patch", "deployments", name)), problems);
                for (String change : positional.subList(2, positional.size())) {
                    String container = change.substring(0, change.indexOf('='));
                    String image = change.substring(change.indexOf('=') + 1);
                    Optional<Container> ct = d.flatMap(dep -> dep.getSpec().getTemplate().getSpec().getContainers().stream()
                            .filter(x -> x.getName().equals(container)).findFirst());
                    if (d.isPresent() && ct.isEmpty()) {
                        problems.add(where(c) + ": no container " + container);
                    } else if (ct.isPresent() && !image.contains("$")
                            && !AppFacts.repository(image).equals(AppFacts.repository(ct.get().getImage()))) {
                        problems.add(where(c) + ": " + image + " is not a version of " + ct.get().getImage());
                    }
                }
            }
            case "rollout" -> {
                if (!List.of("status", "undo", "history", "restart").contains(positional.get(0))) {
                    problems.add(where(c) + ": rollout " + positional.get(0) + "?");
                }
                resource(c, positional.subList(1, positional.size()), problems, namespace);
            }
            case "patch" -> patch(c, a, positional, problems);
            case "port-forward" -> {
                Optional<HasMetadata> svc = resource(c, positional.subList(0, 1), problems, namespace);
                String remote = positional.get(1).contains(":") ? positional.get(1).split(":")[1] : positional.get(1);
                if (svc.isPresent() && ((Service) svc.get()).getSpec().getPorts().stream().noneMatch(p -> p.getPort() == Integer.parseInt(remote))) {
                    problems.add(where(c) + ": the Service has no port " + remote);
                }
            }
            case "autoscale" -> deployment(c, positional, problems);
            case "expose" -> {
                // kubectl expose deployment rng --port 80: the Service the workshop makes by hand, on the port the
                // manifests' Service of that name has (the port the app listens on in its image)
                resource(c, positional, problems, namespace);
                String name = typeAndName(positional)[1];
                Optional<Manifests.Doc> svc = Manifests.find(Manifests.topLevel(), "Service", name);
                if (port == null) {
                    problems.add(where(c) + ": no --port");
                } else if (svc.isPresent() && ((Service) svc.get().resource()).getSpec().getPorts().stream().noneMatch(p -> p.getPort() == Integer.parseInt(port))) {
                    problems.add(where(c) + ": " + name + " listens on " + ((Service) svc.get().resource()).getSpec().getPorts().get(0).getPort() + ", not " + port);
                }
            }
            case "label" -> {
                // pods named by a $(kubectl get ...) checked above, or a namespace
                if (!positional.get(0).startsWith("pod") && !positional.get(0).equals("namespace")) {
                    problems.add(where(c) + ": label what?");
                }
            }
            case "run" -> {
                String labels = a.stream().filter(s -> s.startsWith("--labels=")).findFirst().orElse("");
                if (positional.get(0).equals("loadtester") && !labels.contains("app=loadtester")) {
                    problems.add(where(c) + ": the load tester needs the label the network policies let through");
                }
                if (a.stream().noneMatch(s -> s.startsWith("--image="))) {
                    problems.add(where(c) + ": no --image");
                }
            }
            case "create" -> {
                String fromFile = a.stream().filter(s -> s.startsWith("--from-file=")).findFirst().orElse(null);
                if (!positional.isEmpty() && positional.get(0).equals("secret") && fromFile != null) {
                    // kubectl create secret generic NAME --from-file=KEY=FILE: a secret a patch of the same README mounts
                    String readme = Manifests.read(c.file());
                    if (!positional.get(1).equals("generic") || !readme.contains("\"secretName\":\"" + positional.get(2) + "\"")) {
                        problems.add(where(c) + ": creates " + positional.get(2) + ", which no patch of " + c.file() + " mounts");
                    }
                } else if (!positional.isEmpty() && positional.get(0).equals("secret")) {
                    // kubectl create secret generic NAME --from-literal=KEY=...: a secret key the manifests read
                    String literal = a.stream().filter(s -> s.startsWith("--from-literal=")).findFirst().orElse("=");
                    String ref = positional.get(2) + "/" + literal.substring(15, literal.indexOf('=', 15) < 0 ? 15 : literal.indexOf('=', 15));
                    if (!positional.get(1).equals("generic") || !WiringTest.secretKeyRefs().containsKey(ref)) {
                        problems.add(where(c) + ": creates " + ref + ", no manifest reads it (they read " + WiringTest.secretKeyRefs().keySet() + ")");
                    }
                } else if (!positional.isEmpty() && positional.get(0).equals("job")) {
                    // kubectl create job NAME --from=cronjob/CRONJOB: a run of a CronJob of k8s/, by hand
                    String from = a.stream().filter(s -> s.startsWith("--from=")).findFirst().orElse(null);
                    if (from == null || positional.size() < 2) {
                        problems.add(where(c) + ": create job NAME --from=cronjob/NAME is the form checked");
                    } else {
                        resource(c, List.of(from.substring(7)), problems, namespace);
                    }
                } else if (!positional.isEmpty() && positional.get(0).equals("deployment")) {
                    // kubectl create deployment rng --image=$REGISTRY/rng:$TAG: one of our images under its own name
                    String image = a.stream().filter(x -> x.startsWith("--image=")).map(x -> x.substring(8)).findFirst().orElse("");
                    String name = positional.get(1);
                    boolean ours = AppFacts.composeImages().containsKey(name) && AppFacts.builtFromSource(name)
                            && image.matches("(\\$REGISTRY|" + AppFacts.REGISTRY + ")/" + name + ":(\\$TAG|v0\\.\\d+)");
                    if (!ours && !(name.equals("redis") && image.equals("redis")) && !(name.equals("registry") && image.equals("registry"))) {
                        problems.add(where(c) + ": --image=" + image + " is not our " + name + " image ($REGISTRY/" + name + ":$TAG)");
                    }
                } else if (!positional.isEmpty() && positional.get(0).equals("token")) {
                    resource(c, List.of("serviceaccount", positional.get(1)), problems, namespace);
                }
                // otherwise a namespace: nothing in the manifests to check
            }
            case "drain", "cordon", "uncordon" -> {
                // a node: nothing in the manifests to check
            }
            case "config" -> {
                // kubectl config set-context --current --namespace=..., a learner's token as a user and context of
                // its own (set-credentials, view to name the cluster, delete-*): the client's own settings
                if (!positional.isEmpty() && !List.of("set-context", "set-credentials", "view", "delete-context", "delete-user").contains(positional.get(0))) {
                    problems.add(where(c) + ": only `config set-context`, `set-credentials`, `view` and `delete-*` are checked");
                }
            }
            default -> problems.add(where(c) + ": kubectl " + verb + " is not checked by this test: teach it");
        }
    }

    /**
     * kubectl apply -k DIR: a folder with a kustomization file (kustomization.yaml, .yml, or Kustomization), or one
     * that the same README makes first (mkdir DIR, then kustomize create in it).
     */
    static void kustomization(Command c, String dir, List<String> problems) {
        Path path = Manifests.ROOT.resolve(dir).normalize();
        if (!Files.isDirectory(path)) {
            if (!Manifests.read(c.file()).contains("mkdir " + dir)) {
                problems.add(where(c) + ": " + dir + " is not a folder (nor one this README makes)");
            }
            return;
        }
        if (List.of("kustomization.yaml", "kustomization.yml", "Kustomization").stream().noneMatch(n -> Files.isRegularFile(path.resolve(n)))) {
            problems.add(where(c) + ": " + dir + " holds no kustomization file");
        }
    }

    /**
     * kubectl set env deployment/A deployment/B NAME=VALUE...: Deployments of k8s/ whose service reads each NAME (the
     * service whose image the Deployment runs: worker-canary's is the worker's).
     */
    static void setEnv(Command c, List<String> args, List<String> problems) {
        List<String> targets = args.stream().filter(x -> !x.contains("=")).toList();
        List<String> names = args.stream().filter(x -> x.contains("=")).map(x -> x.substring(0, x.indexOf('='))).toList();
        if (targets.isEmpty() || names.isEmpty()) {
            problems.add(where(c) + ": set env deployment/NAME VAR=VALUE is the form checked");
        }
        for (String target : targets) {
            Optional<Deployment> d = deployment(c, List.of(target), problems);
            if (d.isPresent()) {
                String repository = AppFacts.repository(d.get().getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
                String service = repository.substring(repository.lastIndexOf('/') + 1);
                for (String name : names) {
                    if (!AppFacts.envRead(service).contains(name)) {
                        problems.add(where(c) + ": " + service + " does not read " + name);
                    }
                }
            }
        }
    }

    /** Removes an option and its value (-n x, -n=x, --namespace=x) from the arguments; returns the value. */
    static String option(List<String> a, String shortName, String longName) {
        for (int i = 0; i < a.size(); i++) {
            String s = a.get(i);
            if ((s.equals(shortName) || s.equals(longName)) && i + 1 < a.size()) {
                a.remove(i);
                return a.remove(i);
            }
            if (s.startsWith(shortName + "=") || s.startsWith(longName + "=")) {
                a.remove(i);
                return s.substring(s.indexOf('=') + 1);
            }
        }
        return null;
    }

    static Optional<HasMetadata> resource(Command c, List<String> positional, List<String> problems, String namespace) {
        if (positional.isEmpty()) {
            problems.add(where(c) + ": names nothing");
            return Optional.empty();
        }
        String type = positional.get(0);
        String name = null;
        if (type.contains("/")) {
            name = type.substring(type.indexOf('/') + 1);
            type = type.substring(0, type.indexOf('/'));
        } else if (positional.size() > 1) {
            name = positional.get(1);
        }
        if (UNCHECKED_TYPES.contains(type)) {
            if (List.of("pods", "pod", "po").contains(type) && name != null && !name.equals("PODS") && !name.contains("$")
                    && statefulSetPods().stream().noneMatch(name::equals)) {
                problems.add(where(c) + ": pod " + name + " is no StatefulSet's pod (" + statefulSetPods() + "); other pods have random names");
            }
            return Optional.empty();
        }
        String kind = KINDS.get(type);
        if (kind == null) {
            problems.add(where(c) + ": unknown resource type " + type);
            return Optional.empty();
        }
        if (name == null || name.contains("$")) {
            return Optional.empty(); // all of them
        }
        String wanted = name;
        Optional<Manifests.Doc> doc = Manifests.all().stream()
                .filter(d -> d.kind().equals(kind) && wanted.equals(d.name())).findFirst();
        if (doc.isEmpty() && kind.equals("Job") && jobsMadeFromCronJobs().contains(name)) {
            return Optional.empty(); // made by the README's own `kubectl create job NAME --from=cronjob/...`
        }
        if (doc.isEmpty() && (kind.equals("Deployment") || kind.equals("Service")) && madeByHand().contains(name)) {
            return Optional.empty(); // made by the README's own `kubectl create deployment NAME` (and `kubectl expose`)
        }
        if (doc.isEmpty() && kind.equals("PersistentVolumeClaim") && statefulSetClaims().contains(name)) {
            return Optional.empty(); // made by a StatefulSet from its volumeClaimTemplates
        }
        if (doc.isEmpty()) {
            problems.add(where(c) + ": no " + kind + " " + name + " in k8s/");
            return Optional.empty();
        }
        return Optional.of(doc.get().resource());
    }

    /** A patch back to the manifest's value (blue/green's switch back) follows another patch of the same object. */
    static boolean undoesAnEarlierPatch(Command c) throws Exception {
        List<String> target = c.args().subList(0, Math.min(4, c.args().size()));
        return commands().stream().anyMatch(o -> o.file().equals(c.file()) && o.line() < c.line() && o.args().size() >= 4 && o.args().subList(0, 4).equals(target));
    }

    /** The Jobs the README makes by hand from a CronJob (kubectl create job NAME --from=cronjob/...). */
    static List<String> jobsMadeFromCronJobs() {
        try {
            return commands().stream().map(Command::args)
                    .filter(w -> w.size() > 3 && w.get(1).equals("create") && w.get(2).equals("job")
                            && w.stream().anyMatch(x -> x.startsWith("--from=cronjob/")))
                    .map(w -> w.get(3)).toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Deployments the README makes by hand (kubectl create deployment NAME), which kubectl expose makes Services of. */
    static List<String> madeByHand() {
        try {
            return commands().stream().map(Command::args)
                    .filter(w -> w.size() > 3 && w.get(1).equals("create") && w.get(2).equals("deployment"))
                    .map(w -> w.get(3)).toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** TYPE NAME or TYPE/NAME: {type, name or null}. */
    static String[] typeAndName(List<String> positional) {
        String type = positional.get(0);
        if (type.contains("/")) {
            return new String[] {type.substring(0, type.indexOf('/')), type.substring(type.indexOf('/') + 1)};
        }
        return new String[] {type, positional.size() > 1 ? positional.get(1) : null};
    }

    /** redis-0...: the pods of the StatefulSets of k8s/, the only pods with names known in advance. */
    static List<String> statefulSetPods() {
        List<String> names = new ArrayList<>();
        for (io.fabric8.kubernetes.api.model.apps.StatefulSet s : Manifests.ofType(Manifests.all(), io.fabric8.kubernetes.api.model.apps.StatefulSet.class)) {
            int replicas = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
            for (int i = 0; i < replicas; i++) {
                names.add(s.getMetadata().getName() + "-" + i);
            }
        }
        return names;
    }

    /** data-redis-0...: the claims StatefulSets make, TEMPLATE-STATEFULSET-ORDINAL. */
    static List<String> statefulSetClaims() {
        List<String> names = new ArrayList<>();
        for (io.fabric8.kubernetes.api.model.apps.StatefulSet s : Manifests.ofType(Manifests.all(), io.fabric8.kubernetes.api.model.apps.StatefulSet.class)) {
            for (String template : Manifests.claimTemplates(s)) {
                for (String pod : statefulSetPods()) {
                    if (pod.startsWith(s.getMetadata().getName() + "-")) {
                        names.add(template + "-" + pod);
                    }
                }
            }
        }
        return names;
    }

    /**
     * kubectl auth can-i VERB TYPE[/NAME] [--subresource=S] [--as=...] [--list]: the type must exist, and with
     * --as=system:serviceaccount:NS:SA the answer the README gives in its comment (yes or no) must be what the
     * Roles of k8s/ bound to that ServiceAccount answer.
     */
    static void authCanI(Command c, List<String> a, List<String> positional, List<String> problems) {
        if (positional.isEmpty() || !positional.get(0).equals("can-i")) {
            problems.add(where(c) + ": only `auth can-i` is checked");
            return;
        }
        if (a.contains("--list")) {
            impersonatedAccount(c, a, problems);
            return;
        }
        String verb = positional.get(1);
        String[] typeName = typeAndName(positional.subList(2, positional.size()));
        if (!KINDS.containsKey(typeName[0]) && !UNCHECKED_TYPES.contains(typeName[0])) {
            problems.add(where(c) + ": unknown resource type " + typeName[0]);
            return;
        }
        if (typeName[1] != null && KINDS.containsKey(typeName[0])) {
            resource(c, List.of(typeName[0], typeName[1]), problems, null);
        }
        String subresource = a.stream().filter(s -> s.startsWith("--subresource=")).map(s -> s.substring(14)).findFirst().orElse(null);
        String resource = Rbac.resource(typeName[0]) + (subresource == null ? "" : "/" + subresource);
        String account = impersonatedAccount(c, a, problems);
        if (account == null) {
            return;
        }
        boolean allowed = Rbac.allows(account, List.of(Rbac.request(verb, resource, typeName[1])));
        String said = c.comment().toLowerCase(java.util.Locale.ROOT);
        if (!said.startsWith("yes") && !said.startsWith("no")) {
            problems.add(where(c) + ": say the answer (# yes or # no); the Role answers " + (allowed ? "yes" : "no"));
        } else if (said.startsWith("yes") != allowed) {
            problems.add(where(c) + ": the README says " + (allowed ? "no" : "yes") + ", the Role answers " + (allowed ? "yes" : "no"));
        }
    }

    /** A command run --as the learner: the README's comment says Forbidden exactly when the Role refuses a request. */
    static void impersonated(Command c, List<String> a, List<Rbac.Request> requests, List<String> problems) {
        if (a.stream().noneMatch(s -> s.startsWith("--as=") || s.startsWith("--context="))) {
            return;
        }
        String account = impersonatedAccount(c, a, problems);
        if (account == null) {
            return;
        }
        boolean allowed = Rbac.allows(account, requests);
        boolean saysForbidden = c.comment().contains("Forbidden");
        if (allowed == saysForbidden) {
            problems.add(where(c) + ": the Role " + (allowed ? "allows " : "refuses ") + requests
                    + (allowed ? ", yet the README says Forbidden" : "; say `# Forbidden` in the README"));
        }
    }

    static String impersonatedAccount(Command c, List<String> a, List<String> problems) {
        String as = a.stream().filter(s -> s.startsWith("--as=")).map(s -> s.substring(5)).findFirst().orElse(null);
        String context = a.stream().filter(s -> s.startsWith("--context=")).map(s -> s.substring(10)).findFirst().orElse(null);
        if (as == null && context != null) {
            // --context=NAME: the context the same README makes for a ServiceAccount's token
            // (kubectl config set-credentials NAME --token="$(kubectl create token NAME ...)")
            if (!Manifests.read(c.file()).contains("kubectl config set-credentials " + context + " --token=\"$(kubectl create token " + context + " ")) {
                return null;
            }
            as = "system:serviceaccount:default:" + context;
        }
        if (as == null) {
            return null;
        }
        Matcher sa = Pattern.compile("system:serviceaccount:[a-z0-9-]+:([a-z0-9-]+)").matcher(as);
        if (!sa.matches()) {
            problems.add(where(c) + ": only --as=system:serviceaccount:NAMESPACE:NAME is checked");
            return null;
        }
        if (Manifests.find(Manifests.all(), "ServiceAccount", sa.group(1)).isEmpty()) {
            problems.add(where(c) + ": no ServiceAccount " + sa.group(1) + " in k8s/");
            return null;
        }
        return sa.group(1);
    }

    static Optional<Deployment> deployment(Command c, List<String> positional, List<String> problems) {
        return resource(c, positional, problems, null).filter(Deployment.class::isInstance).map(Deployment.class::cast);
    }

    static void patch(Command c, List<String> a, List<String> positional, List<String> problems) throws Exception {
        Optional<HasMetadata> first = resource(c, positional, problems, null);
        if (first.isEmpty()) {
            return;
        }
        // the same kind and name may be in the top level and in a scenario (blue-green's Service webui): the patch
        // must fit one of them
        List<HasMetadata> candidates = Manifests.all().stream().map(Manifests.Doc::resource)
                .filter(r -> r.getKind().equals(first.get().getKind()) && r.getMetadata().getName().equals(first.get().getMetadata().getName()))
                .toList();
        List<String> firstProblems = null;
        for (HasMetadata candidate : candidates) {
            List<String> found = new ArrayList<>();
            try {
                patchOne(c, a, Optional.of(candidate), found);
            } catch (RuntimeException e) {
                found.add(where(c) + ": " + e);
            }
            if (found.isEmpty()) {
                return;
            }
            if (firstProblems == null) {
                firstProblems = found;
            }
        }
        problems.addAll(firstProblems);
    }

    static void patchOne(Command c, List<String> a, Optional<HasMetadata> target, List<String> problems) throws Exception {
        String type = a.stream().filter(s -> s.startsWith("--type=")).findFirst().orElse("");
        String patch = option(new ArrayList<>(a), "-p", "--patch");
        if (!type.equals("--type=json") || patch == null) {
            problems.add(where(c) + ": only --type=json -p '...' patches are checked");
            return;
        }
        if (target.isEmpty()) {
            return;
        }
        JsonNode source = Manifests.roundTrip(target.get());
        JsonNode patched = JsonPatch.apply(Manifests.YAML.readTree(patch), source);
        HasMetadata result = (HasMetadata) Manifests.SERIALIZATION.convertValue(patched, KubernetesResource.class);
        for (String leftover : Manifests.leftovers(result)) {
            problems.add(where(c) + ": the patch leaves " + leftover);
        }
        if (source.equals(patched) && !undoesAnEarlierPatch(c)) {
            problems.add(where(c) + ": the patch changes nothing");
        }
    }

    /** key=value, key!=value, key, !key, comma-separated: does some pod template of k8s/ match it? */
    static boolean selectorMatchesSomePod(String selector) {
        return Manifests.workloads(Manifests.all()).stream().anyMatch(w -> {
            Map<String, String> labels = w.podLabels();
            for (String req : selector.split(",")) {
                req = req.strip();
                boolean ok;
                if (req.startsWith("!")) {
                    ok = !labels.containsKey(req.substring(1));
                } else if (req.contains("!=")) {
                    String[] kv = req.split("!=", 2);
                    ok = !kv[1].equals(labels.get(kv[0]));
                } else if (req.contains("=")) {
                    String[] kv = req.split("==?", 2);
                    ok = kv[1].equals(labels.get(kv[0]));
                } else {
                    ok = labels.containsKey(req);
                }
                if (!ok) {
                    return false;
                }
            }
            return true;
        });
    }
}
