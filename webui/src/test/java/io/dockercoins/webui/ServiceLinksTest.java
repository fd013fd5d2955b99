package io.dockercoins.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.dockercoins.ledger.RedisConfig;
import io.dockercoins.testing.ServiceLinks;
import io.smallrye.config.SmallRyeConfig;

/** A pod made by `kubectl create deployment` gets every service link of the namespace; none of them may stop webui. */
class ServiceLinksTest {

    @Test
    void startsWithEveryServiceLinkVariableAndUsesRedisPort6379() {
        SmallRyeConfig config = ServiceLinks.config(ServiceLinks.env(), RedisConfig.class);
        assertEquals(6379, config.getConfigMapping(RedisConfig.class).port(), "REDIS_PORT=tcp://10.96.0.11:6379 is port 6379");
        assertEquals("redis", config.getConfigMapping(RedisConfig.class).host());
    }
}
