package org.overparam;

/**
 * A mistake in what the user asked for or gave (settings, paths, files): reported as one paragraph, without a Java
 * stack trace, and with a non-zero exit code. The message names what was expected and what was found.
 */
public class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
