package org.aepdsm.backend.sim;

/**
 * A named region of the CXL tier: consecutive frames of the CXL pool that every
 * {@link SimSharedPool} opened under the name sees. The region outlives its handles (as a
 * {@code /dev/shm} file outlives its mappings) until the machine shuts down.
 *
 * <p>Thread-safety: guarded by the machine's lock. Ownership: the machine owns the frames.
 */
final class SharedRegion {
    private final String name;
    private long firstFrame;
    private long frames;
    private int openHandles;

    SharedRegion(String name, long firstFrame, long frames) {
        this.name = name;
        this.firstFrame = firstFrame;
        this.frames = frames;
    }

    String name() {
        return name;
    }

    long firstFrame() {
        return firstFrame;
    }

    long frames() {
        return frames;
    }

    long bytes() {
        return frames * 4096;
    }

    int openHandles() {
        return openHandles;
    }

    void opened() {
        openHandles++;
    }

    void closed() {
        openHandles--;
    }

    void moveTo(long newFirstFrame, long newFrames) {
        this.firstFrame = newFirstFrame;
        this.frames = newFrames;
    }
}
