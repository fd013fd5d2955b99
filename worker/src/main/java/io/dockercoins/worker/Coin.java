package io.dockercoins.worker;

/** A mined coin: random bytes whose SHA-256 hex digest starts with {@code 0} (one loop in 16, on average). */
public record Coin(String digest, byte[] randomBytes) {

    public static boolean isCoin(String hexDigest) {
        return hexDigest.startsWith("0");
    }

    /** What the original logs: the first 8 hex characters. */
    public String shortDigest() {
        return digest.substring(0, 8);
    }
}
