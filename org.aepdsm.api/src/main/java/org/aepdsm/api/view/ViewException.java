package org.aepdsm.api.view;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * A view operation failed with mmview's errno ({@code ENOMEM}, {@code EPERM},
 * {@code EINVAL}, {@code EACCES}). Immutable.
 */
public class ViewException extends AepException {
    private static final long serialVersionUID = 1L;

    /**
     * @param errno   the error number
     * @param message what was refused and why, naming the value
     */
    public ViewException(Errno errno, String message) {
        super(errno, message);
    }
}
