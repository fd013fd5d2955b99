package io.dockercoins.ledger;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to Redis (REDIS_TLS=true). The handshake is done as soon as the socket is made, so that what goes wrong is
 * said in one line that names the cause and the setting to change (wrong CA, wrong name, a plain-text server),
 * instead of a bare "PKIX path building failed" on the first command. That line is what the worker logs before
 * its usual retry, what webui logs once, and what the report prints.
 */
final class RedisTls {

    private RedisTls() {
    }

    /** Verifies that the certificate names the host we connect to (Jedis does not by default). */
    private static SSLParameters verifyingHostName() {
        SSLParameters parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return parameters;
    }

    static SSLSocketFactory socketFactory(Optional<RedisConfig.TrustedCa> ca) {
        SSLSocketFactory factory;
        if (ca.isEmpty()) {
            factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
        } else {
            try {
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(ca.get().certificates());
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trust.getTrustManagers(), null);
                factory = context.getSocketFactory();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("TLS for Redis cannot be set up: " + e.getMessage(), e);
            }
        }
        String trusted = ca.map(c -> "the CA of REDIS_TLS_CA=" + c.file()).orElse("the JVM's trusted CAs (REDIS_TLS_CA is not set)");
        return new Explaining(factory, trusted);
    }

    /** A factory whose sockets shake hands at once and explain a failed handshake. */
    private static final class Explaining extends SSLSocketFactory {

        private final SSLSocketFactory delegate;
        private final String trusted;

        Explaining(SSLSocketFactory delegate, String trusted) {
            this.delegate = delegate;
            this.trusted = trusted;
        }

        @Override
        public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
            SSLSocket tls = (SSLSocket) delegate.createSocket(socket, host, port, autoClose);
            tls.setSSLParameters(verifyingHostName());
            try {
                tls.startHandshake();
            } catch (SSLException e) {
                tls.close();
                throw new SSLHandshakeException(explain(e, host, port));
            } catch (SocketTimeoutException e) {
                // A plain-text Redis reads the TLS greeting as the start of a command and waits for the rest.
                tls.close();
                throw new SSLHandshakeException("TLS to Redis at " + host + ":" + port + " failed: no TLS answer within REDIS_TIMEOUT, "
                        + "as from a plain-text Redis; unset REDIS_TLS for a plain-text Redis, or set REDIS_PORT to its TLS port");
            }
            return tls;
        }

        private String explain(SSLException e, String host, int port) {
            String where = "TLS to Redis at " + host + ":" + port + " failed: ";
            String message = String.valueOf(e.getMessage());
            if (message.contains("trustAnchors parameter must be non-empty")) {
                return where + trusted + " hold no CA at all; set REDIS_TLS_CA to the PEM file of the CA that signed its certificate";
            }
            if (causedBy(e, CertPathValidatorException.class) || message.contains("PKIX path")) {
                return where + "its certificate is not signed by " + trusted + "; set REDIS_TLS_CA to the PEM file of the CA that signed it";
            }
            if (causedBy(e, CertificateException.class) && (message.contains("No subject alternative") || message.contains("No name matching"))) {
                return where + "its certificate does not name \"" + host + "\"; set REDIS_HOST to a name the certificate carries";
            }
            if (message.contains("plaintext") || message.contains("Unsupported or unrecognized SSL message")
                    || message.contains("Remote host terminated the handshake")) {
                return where + "it does not answer in TLS on that port, as a plain-text Redis; unset REDIS_TLS for a plain-text Redis, or set REDIS_PORT to its TLS port";
            }
            return where + message;
        }

        private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (type.isInstance(t)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return createSocket(new Socket(host, port), host, port, true);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return createSocket(new Socket(host, port, localHost, localPort), host, port, true);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return createSocket(new Socket(host, port), host.getHostAddress(), port, true);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return createSocket(new Socket(address, port, localAddress, localPort), address.getHostAddress(), port, true);
        }
    }
}
