package io.dockercoins.operator;

import java.time.Instant;
import java.util.List;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/** Sets a status condition; its lastTransitionTime moves only when its status does, as Kubernetes' own do. */
final class Conditions {

    static final String READY = "Ready";
    static final String SPEC_VALID = "SpecValid";
    static final String PROGRESSING = "Progressing";
    static final String ROLLED_BACK = "RolledBack";

    private Conditions() {
    }

    static void set(DockerCoinsStatus status, String type, boolean value, String reason, String message, Long generation,
            Instant now) {
        List<Condition> conditions = status.getConditions();
        String text = value ? "True" : "False";
        Condition old = get(status, type);
        String since = old != null && text.equals(old.getStatus()) ? old.getLastTransitionTime() : now.toString();
        conditions.removeIf(c -> type.equals(c.getType()));
        conditions.add(new ConditionBuilder().withType(type).withStatus(text).withReason(reason).withMessage(message)
                .withObservedGeneration(generation).withLastTransitionTime(since).build());
        conditions.sort((a, b) -> order(a.getType()) - order(b.getType()));
    }

    static Condition get(DockerCoinsStatus status, String type) {
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    private static int order(String type) {
        return List.of(READY, SPEC_VALID, PROGRESSING, ROLLED_BACK).indexOf(type);
    }
}
