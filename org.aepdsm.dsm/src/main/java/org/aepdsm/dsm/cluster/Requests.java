package org.aepdsm.dsm.cluster;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * Pairs requests with their responses (Popcorn's wait stations). A pending request remembers its target
 * so that it fails at once, with {@link NodeDownException}, when the target leaves the membership.
 *
 * <p>Two ways to ask: {@link #call} sends a one-way frame and waits at a wait station for the RESPONSE
 * frame that names its id; {@link #exchange} (and {@link #start} / {@link #finish}) writes the request
 * on a call link and reads the response there, on the asking thread.
 *
 * <p>A wait station may carry an arrival action that runs on the delivery thread before the waiter
 * wakes, so that what the response brings is in place when the waiting thread goes on.
 *
 * <p>A {@link Call} is a one-shot wait station: the outcome is published through one volatile field and
 * the waiting thread is unparked directly by the delivery thread, with no future or executor between.
 * The waiter parks at once: on a machine whose cores are shared, spinning for the reply measured no
 * faster and takes the core the reply's sender needs.
 *
 * <p>Thread-safe.
 */
public final class Requests {
    /** A response. {@code status} is 0 or a positive errno; {@code payload} is positioned at its start. */
    public record Reply(int status, String message, ByteBuffer payload) {
        /** Whether the request succeeded. */
        public boolean ok() {
            return status == 0;
        }
    }

    /**
     * One request in flight: completed once, by a reply or a failure, then read by the one thread that
     * waits for it. Thread-safe.
     */
    public static final class Call {
        private final int node;
        private final long id;
        private final Consumer<Reply> onArrival;
        /** A {@link Reply} or a {@link RuntimeException}; null while pending. */
        private volatile Object outcome;
        private volatile Thread waiter;

        Call(int node, long id, Consumer<Reply> onArrival) {
            this.node = node;
            this.id = id;
            this.onArrival = onArrival;
        }

        /** The node the request went to. */
        public int node() {
            return node;
        }

        /** Whether the outcome is in. */
        public boolean done() {
            return outcome != null;
        }

        void complete(Object result) {
            outcome = result;
            Thread t = waiter;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }

        /** Waits for the outcome until {@code deadline} (System.nanoTime); null when it passed. */
        Object await(long deadline) throws InterruptedException {
            waiter = Thread.currentThread();
            for (;;) {
                Object o = outcome;
                if (o != null) {
                    return o;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
    }

    private final GroupChannel channel;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Call> pending = new ConcurrentHashMap<>();

    public Requests(GroupChannel channel) {
        this.channel = channel;
    }

    /** A fresh request id. */
    public long nextId() {
        return ids.incrementAndGet();
    }

    /**
     * Writes a request on a call link; the response is read by {@link #finish} on this thread.
     *
     * @throws NodeDownException when the node is not a member
     */
    public GroupChannel.PendingCall start(int node, byte[] frame) {
        return channel.callStart(node, frame);
    }

    /**
     * Reads the response to a request written by {@link #start}.
     *
     * @param what names the request in error messages
     * @throws NodeDownException when the target left
     * @throws AepException EIO on timeout, or the errno the responder sent
     */
    public Reply finish(GroupChannel.PendingCall call, String what) {
        ByteBuffer in = channel.callFinish(call, what);
        if (in.get() != FrameType.RESPONSE) {
            throw new AepException(Errno.EIO, what + ": node " + call.node() + " answered with a frame that is not a response");
        }
        in.getLong();
        Reply reply = decode(in);
        if (!reply.ok()) {
            throw new AepException(Errno.of(reply.status()), stripErrno(reply.message()));
        }
        return reply;
    }

    /** A request on a call link and its response: {@link #start} then {@link #finish}. */
    public Reply exchange(int node, byte[] frame, String what) {
        return finish(start(node, frame), what);
    }

    /**
     * Sends a request frame made with id {@code id} and returns its wait station.
     *
     * @param onArrival runs on the delivery thread when a successful response arrives, or null
     */
    public Call call(int node, long id, byte[] frame, Consumer<Reply> onArrival) {
        Call call = new Call(node, id, onArrival);
        pending.put(id, call);
        try {
            channel.send(node, frame);
        } catch (RuntimeException e) {
            pending.remove(id);
            call.complete(e);
        }
        return call;
    }

    /** Sends the response to request {@code id} of node {@code to}; a departed requester is ignored. */
    public void reply(int to, long id, int status, String message, byte[] payload) {
        reply(to, id, status, message, payload, 0, payload == null ? 0 : payload.length);
    }

    /** Sends a response whose payload is {@code length} bytes of {@code payload} from {@code offset}. */
    public void reply(int to, long id, int status, String message, byte[] payload, int offset, int length) {
        try {
            channel.send(to, response(id, status, message, payload, offset, length));
        } catch (NodeDownException e) {
            // the requester left: nobody waits for this answer any more
        }
    }

    /** A RESPONSE frame: {@code length} bytes of {@code payload} from {@code offset} (payload may be null when 0). */
    public static byte[] response(long id, int status, String message, byte[] payload, int offset, int length) {
        String text = message == null ? "" : message;
        // type, id, status, message length, payload length: 19 bytes around the message and the payload
        Frame f = Frame.of(FrameType.RESPONSE, id, 19 + text.length() + length).i32(status).str(text);
        f.i32(length);
        if (length > 0) {
            f.raw(payload, offset, length);
        }
        return f.array();
    }

    /** A RESPONSE frame that carries an error. */
    public static byte[] failure(long id, AepException e) {
        return response(id, e.errno().code(), e.getMessage(), null, 0, 0);
    }

    private static Reply decode(ByteBuffer in) {
        int status = in.getInt();
        String message = Frame.str(in);
        int n = in.getInt();
        return new Reply(status, message, in.slice(in.position(), n));
    }

    /** Replies with an error. */
    public void fail(int to, long id, AepException e) {
        reply(to, id, e.errno().code(), e.getMessage(), null);
    }

    /** Handles a RESPONSE frame positioned after its request id. */
    public void arrived(long id, ByteBuffer in) {
        Call call = pending.remove(id);
        if (call == null) {
            return;
        }
        Reply reply = decode(in);
        try {
            if (reply.ok() && call.onArrival != null) {
                call.onArrival.accept(reply);
            }
            call.complete(reply);
        } catch (RuntimeException e) {
            call.complete(e);
        }
    }

    /** Fails every request waiting on a node that left. */
    public void nodeLeft(int node) {
        for (Map.Entry<Long, Call> e : pending.entrySet()) {
            if (e.getValue().node() == node && pending.remove(e.getKey(), e.getValue())) {
                e.getValue().complete(new NodeDownException(node));
            }
        }
    }

    /** Fails every request: the channel is closing. */
    public void closeAll() {
        for (Long id : pending.keySet()) {
            Call call = pending.remove(id);
            if (call != null) {
                call.complete(new NodeDownException(channel.localNode()));
            }
        }
    }

    /**
     * Waits for a response within the configured bound.
     *
     * @param what names the request in the timeout message
     * @throws NodeDownException when the target left
     * @throws AepException EIO on timeout, or the errno the responder sent
     */
    public Reply await(Call call, String what) {
        Object outcome;
        try {
            outcome = call.await(System.nanoTime() + channel.config().rpcTimeoutMs() * 1_000_000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AepException(Errno.EIO, what + " was interrupted");
        }
        if (outcome == null) {
            pending.remove(call.id, call);
            throw new AepException(Errno.EIO, what + " got no answer within " + channel.config().rpcTimeoutMs()
                    + " ms");
        }
        if (outcome instanceof RuntimeException r) {
            throw r;
        }
        Reply reply = (Reply) outcome;
        if (!reply.ok()) {
            throw new AepException(Errno.of(reply.status()), stripErrno(reply.message()));
        }
        return reply;
    }

    private static String stripErrno(String message) {
        int colon = message.indexOf(": ");
        return colon > 0 && message.substring(0, colon).startsWith("E") ? message.substring(colon + 2) : message;
    }
}
