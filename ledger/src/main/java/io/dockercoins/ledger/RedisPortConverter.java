package io.dockercoins.ledger;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * REDIS_PORT as a number ({@code 6379}) or as a Kubernetes service link ({@code tcp://10.96.0.5:6379}, which
 * Kubernetes sets in every pod when a Service named redis exists): the port either way. Anything else fails the
 * start with a message that names the variable and the forms it takes.
 */
public class RedisPortConverter implements Converter<Integer> {

    /** tcp://HOST:PORT, HOST an IPv4 address or a name, or an IPv6 address in brackets (a dual-stack cluster). */
    private static final Pattern SERVICE_LINK = Pattern.compile("tcp://(?:[^/:\\s\\[\\]]+|\\[[0-9A-Fa-f:.]+\\]):(\\d{1,5})");

    @Override
    public Integer convert(String value) {
        String text = value.strip();
        Matcher link = SERVICE_LINK.matcher(text);
        String digits = link.matches() ? link.group(1) : text;
        if (digits.matches("\\d{1,5}")) {
            int port = Integer.parseInt(digits);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        }
        throw new IllegalArgumentException("REDIS_PORT (redis.port) is \"" + value
                + "\": set a port number such as 6379, or tcp://HOST:PORT as Kubernetes writes it (tcp://10.96.0.5:6379)");
    }
}
