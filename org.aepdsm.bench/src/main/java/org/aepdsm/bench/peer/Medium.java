package org.aepdsm.bench.peer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ArrayBlockingQueue;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * A way to hand a buffer from one party to another, for the transfer peers. Party ids are the benchmarks' client
 * ids (1-based).
 *
 * <p>Implementations are used by one thread, as the benchmarks they mirror are single-threaded.
 *
 * @param <B> the buffer type
 */
interface Medium<B> extends AutoCloseable {
    /** A zeroed buffer of {@code size} bytes owned by {@code party}. */
    B create(int party, long size);

    /** Moves {@code buf} from {@code from} to {@code to}; returns the buffer as the receiver holds it. */
    B transfer(B buf, int from, int to);

    long get(B buf, long offset);

    void set(B buf, long offset, long value);

    void release(B buf);

    @Override
    void close();

    /**
     * Arrow's {@code ReferenceManager.transferOwnership}: one child allocator per party; a transfer makes the
     * receiver's ArrowBuf over the same memory and releases the sender's, so the accounting moves with no copy.
     */
    final class ArrowTransfer implements Medium<ArrowBuf> {
        private final RootAllocator root = new RootAllocator(Long.MAX_VALUE);
        private final BufferAllocator[] parties;

        ArrowTransfer(int parties) {
            this.parties = new BufferAllocator[parties + 1];
            for (int i = 1; i <= parties; i++) {
                this.parties[i] = root.newChildAllocator("party-" + i, 0, Long.MAX_VALUE);
            }
        }

        public ArrowBuf create(int party, long size) {
            ArrowBuf b = parties[party].buffer(size);
            b.setZero(0, size);
            return b;
        }

        public ArrowBuf transfer(ArrowBuf buf, int from, int to) {
            ArrowBuf moved = buf.getReferenceManager().transferOwnership(buf, parties[to]).getTransferredBuffer();
            buf.close();
            return moved;
        }

        public long get(ArrowBuf buf, long offset) {
            return buf.getLong(offset);
        }

        public void set(ArrowBuf buf, long offset, long value) {
            buf.setLong(offset, value);
        }

        public void release(ArrowBuf buf) {
            buf.close();
        }

        public void close() {
            for (int i = parties.length - 1; i >= 1; i--) {
                parties[i].close();
            }
            root.close();
        }
    }

    /**
     * A direct {@link ByteBuffer} passed through a bounded {@link ArrayBlockingQueue} per (sender, receiver) pair:
     * the plain Java hand-off. Capacity 511, as an AEP mailbox.
     */
    final class QueueHandOff implements Medium<ByteBuffer> {
        private final ArrayBlockingQueue<ByteBuffer>[][] queues;

        @SuppressWarnings("unchecked")
        QueueHandOff(int parties) {
            queues = new ArrayBlockingQueue[parties + 1][parties + 1];
            for (int i = 1; i <= parties; i++) {
                for (int j = 1; j <= parties; j++) {
                    queues[i][j] = new ArrayBlockingQueue<>(511);
                }
            }
        }

        public ByteBuffer create(int party, long size) {
            return ByteBuffer.allocateDirect(Math.toIntExact(size)).order(ByteOrder.nativeOrder());
        }

        public ByteBuffer transfer(ByteBuffer buf, int from, int to) {
            ArrayBlockingQueue<ByteBuffer> q = queues[from][to];
            if (!q.offer(buf)) {
                throw new IllegalStateException("hand-off queue " + from + " -> " + to + " is full");
            }
            return q.poll();
        }

        public long get(ByteBuffer buf, long offset) {
            return buf.getLong((int) offset);
        }

        public void set(ByteBuffer buf, long offset, long value) {
            buf.putLong((int) offset, value);
        }

        public void release(ByteBuffer buf) {
        }

        public void close() {
        }
    }
}
