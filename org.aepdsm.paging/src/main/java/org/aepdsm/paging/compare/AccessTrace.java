package org.aepdsm.paging.compare;

import java.util.Arrays;

import org.aepdsm.api.memory.AddressSpace;

/**
 * The page accesses a workload makes, in order: virtual addresses, one per page touched. A workload
 * records them while it runs so that the same sequence can be replayed through the TLB model.
 *
 * <p>Not thread-safe; owned by the workload run that fills it.
 */
public final class AccessTrace {
    private long[] addresses = new long[1024];
    private int size;

    /** Appends one access. */
    public void add(long address) {
        if (size == addresses.length) {
            addresses = Arrays.copyOf(addresses, size * 2);
        }
        addresses[size++] = address;
    }

    /** Accesses recorded. */
    public int size() {
        return size;
    }

    /** The accesses, in order (a copy). */
    public long[] toArray() {
        return Arrays.copyOf(addresses, size);
    }

    /** Loads one long at each address, in order, through the space. */
    public void replay(AddressSpace space) {
        for (int i = 0; i < size; i++) {
            space.getLong(addresses[i]);
        }
    }
}
