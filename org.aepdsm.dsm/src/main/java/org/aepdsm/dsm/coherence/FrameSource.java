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
     * @param faults where a kernel-reported fault goes (page, write); unused on the simulated path
     */
    PageFrames create(String region, long size, FaultSink faults);

    /** Receives faults the kernel reports on a region's memory. */
    @FunctionalInterface
    interface FaultSink {
        /** Runs the protocol for a fault; returns when the page was valid for the access. */
        void fault(long page, boolean write);
    }

    /** The simulated path. */
    FrameSource HEAP = (region, size, faults) -> new HeapFrames(size);
}
