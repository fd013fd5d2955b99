package io.dockercoins.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * REDIS_TLS_CA, a PEM file, read when the configuration is: a wrong path or a file that is not a certificate stops
 * the start with a message that names the variable and what to put there, rather than failing each connection later.
 */
public class TrustedCaConverter implements Converter<RedisConfig.TrustedCa> {

    @Override
    public RedisConfig.TrustedCa convert(String value) {
        Path file = Path.of(value.strip());
        try (InputStream pem = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(pem);
            if (certificates.isEmpty()) {
                throw wrong(value, "holds no certificate");
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                trusted.setCertificateEntry("redis-ca-" + i++, certificate);
            }
            return new RedisConfig.TrustedCa(file, trusted);
        } catch (IOException e) {
            throw wrong(value, "cannot be read (" + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw wrong(value, "is not a PEM certificate (" + e.getMessage() + ")");
        }
    }

    private static IllegalArgumentException wrong(String value, String problem) {
        return new IllegalArgumentException("REDIS_TLS_CA (redis.tls-ca) is \"" + value + "\", which " + problem
                + ": name the PEM file of the CA that signed Redis' certificate (mounted in the container), or unset it to trust the JVM's CAs");
    }
}
