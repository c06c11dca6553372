package org.aepdsm.api.view;

import org.aepdsm.api.memory.AddressSpace;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Gives the {@link ViewSet} of an address space. Thread-safe.
 */
@ProviderType
public interface ViewService {
    /** The view set whose base is {@code base}, made on first request. */
    ViewSet viewSet(AddressSpace base);

    /** The view set of the console's default address space, made on first request. */
    ViewSet defaultViewSet();
}
