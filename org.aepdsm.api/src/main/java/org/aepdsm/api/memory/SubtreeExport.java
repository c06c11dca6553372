package org.aepdsm.api.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * How another process reaches the frames of a {@link SubtreeSet}: the memory file that holds them
 * and the object's runs of 4 KiB frames in it (frame {@code n} is file offset {@code n * 4096}),
 * in object order. Made by {@link SubtreeSet#export()}, taken by {@link SubtreeSupport#attach}.
 * Immutable.
 *
 * <p>As text ({@link #handle()}, {@link #parse}): {@code <file>@<first>+<count>[,<first>+<count>...]},
 * frame numbers in decimal, for example {@code /proc/4242/fd/9@0+16384}.
 *
 * @param file the path another process opens, such as {@code /proc/<pid>/fd/<n>} of a {@code memfd}
 * @param runs the object's frames, at least one run
 */
public record SubtreeExport(String file, List<FrameRun> runs) {
    public SubtreeExport {
        Objects.requireNonNull(file, "file");
        runs = List.copyOf(runs);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("an export of " + file + " names no frames");
        }
    }

    /** Bytes of the object. */
    public long size() {
        long frames = 0;
        for (FrameRun r : runs) {
            frames += r.count();
        }
        return frames * 4096;
    }

    /** The text form, as {@link #parse} reads it. */
    public String handle() {
        StringBuilder b = new StringBuilder(file).append('@');
        for (int i = 0; i < runs.size(); i++) {
            b.append(i == 0 ? "" : ",").append(runs.get(i).first()).append('+').append(runs.get(i).count());
        }
        return b.toString();
    }

    /**
     * Reads the text form of {@link #handle()}.
     *
     * @throws AepException {@code EINVAL} naming the handle if it is not of that form
     */
    public static SubtreeExport parse(String handle) {
        if (handle == null) {
            throw new AepException(Errno.EINVAL, "export handle is null");
        }
        int at = handle.lastIndexOf('@');
        if (at <= 0 || at == handle.length() - 1) {
            throw new AepException(Errno.EINVAL, "export handle '" + handle
                    + "' is not <file>@<first>+<count>[,<first>+<count>...]");
        }
        List<FrameRun> runs = new ArrayList<>();
        for (String part : handle.substring(at + 1).split(",", -1)) {
            int plus = part.indexOf('+');
            try {
                runs.add(new FrameRun(Long.parseLong(part.substring(0, plus)), Long.parseLong(part.substring(plus + 1))));
            } catch (RuntimeException e) {
                throw new AepException(Errno.EINVAL, "run '" + part + "' of export handle '" + handle
                        + "' is not <first frame>+<count>, both decimal, count at least 1");
            }
        }
        return new SubtreeExport(handle.substring(0, at), runs);
    }

    @Override
    public String toString() {
        return handle();
    }
}
