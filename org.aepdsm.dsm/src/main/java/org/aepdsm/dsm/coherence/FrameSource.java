package org.aepdsm.dsm.coherence;

/**
 * Makes the local memory of a region: the simulated path ({@link HeapFrames}) or the userfaultfd path.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface FrameSource {
    /**
     * Frames for a region of {@code size} bytes.
     *
     * @param valid  whether every page starts valid here (at the origin: zero pages), else every page
     *               starts missing
     * @param faults where a kernel-reported fault goes (page, write); unused on the simulated path
     */
    PageFrames create(String region, long size, boolean valid, FaultSink faults);

    /** Receives faults the kernel reports on a region's memory. */
    @FunctionalInterface
    interface FaultSink {
        /**
         * Runs the protocol for a fault unless the page is already valid for the access; returns when it
         * was valid (for a moment).
         */
        void fault(long page, boolean write);
    }

    /** The simulated path. */
    FrameSource HEAP = (region, size, valid, faults) -> new HeapFrames(size);
}
