package org.aepdsm.api.memory;

/**
 * A run of consecutive 4 KiB frames. Immutable.
 *
 * @param first the first frame number
 * @param count the number of frames, at least 1
 */
public record FrameRun(long first, long count) {
    public FrameRun {
        if (first < 0 || count < 1) {
            throw new IllegalArgumentException("frame run [" + first + ", +" + count + ") is empty or negative");
        }
    }

    /** The frame after the last one. */
    public long end() {
        return first + count;
    }
}
