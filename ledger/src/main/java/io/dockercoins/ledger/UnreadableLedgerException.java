package io.dockercoins.ledger;

/** Redis answered, but not with what the workers write (a key overwritten by hand with another type, say). */
public class UnreadableLedgerException extends RuntimeException {

    UnreadableLedgerException(String message) {
        super(message, null, false, false);
    }
}
