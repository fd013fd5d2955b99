package io.dockercoins.rng;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;

import io.dockercoins.testing.ServiceLinks;
import io.smallrye.config.SmallRyeConfig;

/** A pod made by `kubectl create deployment` gets every service link of the namespace; none of them may stop rng. */
class ServiceLinksTest {

    @Test
    void startsWithEveryServiceLinkVariable() {
        SmallRyeConfig config = ServiceLinks.config(ServiceLinks.env(), RngConfig.class);
        assertNotNull(config.getConfigMapping(RngConfig.class));
    }
}
