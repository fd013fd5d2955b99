package io.dockercoins.operator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The speed as webui's GET /json reports it: {"workers":[{"id":..,"version":"v0.1","speed":3.3}, ...], ...}. */
@ApplicationScoped
public class WebuiSpeedGauge implements SpeedGauge {

    private static final Logger LOG = Logger.getLogger(WebuiSpeedGauge.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OperatorConfig config;
    private final HttpClient http;

    public WebuiSpeedGauge(OperatorConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.speedTimeout()).build();
    }

    @Override
    public Optional<MiningSpeed> read(String namespace) {
        URI uri = URI.create(config.webuiUrl().replace("{namespace}", namespace) + "/json");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(config.speedTimeout()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                LOG.debugf("%s answered %d", uri, response.statusCode());
                return Optional.empty();
            }
            return Optional.of(parse(response.body()));
        } catch (IOException e) {
            LOG.debugf("cannot read %s: %s", uri, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    static MiningSpeed parse(String body) throws IOException {
        Map<String, MiningSpeed.VersionSpeed> versions = new HashMap<>();
        for (JsonNode worker : JSON.readTree(body).path("workers")) {
            String version = worker.path("version").asText("unknown");
            double speed = worker.path("speed").asDouble(0);
            versions.merge(version, new MiningSpeed.VersionSpeed(1, speed),
                    (a, b) -> new MiningSpeed.VersionSpeed(a.workers() + b.workers(), a.hashesPerSecond() + b.hashesPerSecond()));
        }
        return new MiningSpeed(versions);
    }
}
