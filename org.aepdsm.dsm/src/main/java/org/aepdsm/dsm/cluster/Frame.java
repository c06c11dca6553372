package org.aepdsm.dsm.cluster;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one protocol frame: a type byte, then fields in order, big-endian.
 *
 * <pre>
 *   [type u8][request id i64][fields...]
 *   string = [length u16][UTF-8 bytes]      bytes = [length i32][bytes]
 * </pre>
 *
 * Not thread-safe: one writer builds one frame. The static readers decode the same layout.
 */
public final class Frame {
    private byte[] buf;
    private int pos;

    private Frame(int capacity) {
        buf = new byte[capacity];
    }

    /** Starts a payload without a header (the body of a response). */
    public static Frame body() {
        return new Frame(64);
    }

    /** Starts a frame. */
    public static Frame of(byte type, long requestId) {
        return of(type, requestId, 64);
    }

    /**
     * Starts a frame sized for {@code capacity} bytes, so that a frame carrying a page is built without
     * growing its buffer.
     */
    public static Frame of(byte type, long requestId, int capacity) {
        Frame f = new Frame(Math.max(capacity, 16));
        f.u8(type);
        f.i64(requestId);
        return f;
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    public Frame u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
        return this;
    }

    public Frame bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    public Frame i32(int v) {
        ensure(4);
        ByteBuffer.wrap(buf, pos, 4).putInt(v);
        pos += 4;
        return this;
    }

    public Frame i64(long v) {
        ensure(8);
        ByteBuffer.wrap(buf, pos, 8).putLong(v);
        pos += 8;
        return this;
    }

    public Frame str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 65535) {
            throw new IllegalArgumentException("string of " + b.length + " bytes exceeds 65535");
        }
        ensure(2 + b.length);
        ByteBuffer.wrap(buf, pos, 2).putShort((short) b.length);
        pos += 2;
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
        return this;
    }

    public Frame bytes(byte[] b) {
        i32(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
        return this;
    }

    /** Appends bytes without a length prefix. */
    public Frame raw(byte[] b, int offset, int length) {
        ensure(length);
        System.arraycopy(b, offset, buf, pos, length);
        pos += length;
        return this;
    }

    /** Appends {@code length} bytes of a memory segment from {@code offset}, without a length prefix. */
    public Frame raw(MemorySegment segment, long offset, int length) {
        ensure(length);
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, buf, pos, length);
        pos += length;
        return this;
    }

    /** The finished frame (the buffer itself when it is full, else a copy of the used part). */
    public byte[] array() {
        return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
    }

    public static String str(ByteBuffer in) {
        int n = Short.toUnsignedInt(in.getShort());
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    public static byte[] bytes(ByteBuffer in) {
        byte[] b = new byte[in.getInt()];
        in.get(b);
        return b;
    }

    public static boolean bool(ByteBuffer in) {
        return in.get() != 0;
    }
}
