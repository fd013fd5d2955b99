package io.dockercoins.report;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * REDIS_PORT as a number ("6379") or as Kubernetes writes it for a Service named redis ("tcp://10.96.0.12:6379",
 * a service-link variable every pod gets unless enableServiceLinks is false): the port is what is used.
 */
public class RedisPortConverter implements Converter<Integer> {

    @Override
    public Integer convert(String value) {
        String port = value.strip();
        if (port.startsWith("tcp://") && port.lastIndexOf(':') > "tcp://".length()) {
            port = port.substring(port.lastIndexOf(':') + 1);
        }
        try {
            int number = Integer.parseInt(port);
            if (number > 0 && number < 65536) {
                return number;
            }
        } catch (NumberFormatException e) {
            // the message below says what is accepted
        }
        throw new IllegalArgumentException("REDIS_PORT (redis.port) is \"" + value
                + "\": set a port number such as 6379, or tcp://HOST:PORT as Kubernetes writes it");
    }
}
