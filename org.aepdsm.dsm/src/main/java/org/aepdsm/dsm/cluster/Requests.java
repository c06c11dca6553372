package org.aepdsm.dsm.cluster;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * Pairs requests with their responses (Popcorn's wait stations). A pending request remembers its target
 * so that it fails at once, with {@link NodeDownException}, when the target leaves the membership.
 *
 * <p>A request may carry an arrival action that runs on the delivery thread before the waiter wakes:
 * the page protocol installs page data there, so that the install is ordered with every later frame
 * from the same sender (an invalidation cannot overtake the data it invalidates).
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

    private record Pending(int node, CompletableFuture<Reply> future, Consumer<Reply> onArrival) {
    }

    private final GroupChannel channel;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

    public Requests(GroupChannel channel) {
        this.channel = channel;
    }

    /** A fresh request id. */
    public long nextId() {
        return ids.incrementAndGet();
    }

    /**
     * Sends a request frame made with id {@code id} and returns the future of its response.
     *
     * @param onArrival runs on the delivery thread when a successful response arrives, or null
     */
    public CompletableFuture<Reply> call(int node, long id, byte[] frame, Consumer<Reply> onArrival) {
        CompletableFuture<Reply> future = new CompletableFuture<>();
        pending.put(id, new Pending(node, future, onArrival));
        try {
            channel.send(node, frame);
        } catch (RuntimeException e) {
            pending.remove(id);
            future.completeExceptionally(e);
        }
        return future;
    }

    /** Sends the response to request {@code id} of node {@code to}; a departed requester is ignored. */
    public void reply(int to, long id, int status, String message, byte[] payload) {
        byte[] frame = Frame.of(FrameType.RESPONSE, id).i32(status).str(message == null ? "" : message)
                .bytes(payload == null ? new byte[0] : payload).array();
        try {
            channel.send(to, frame);
        } catch (NodeDownException e) {
            // the requester left: nobody waits for this answer any more
        }
    }

    /** Replies with an error. */
    public void fail(int to, long id, AepException e) {
        reply(to, id, e.errno().code(), e.getMessage(), null);
    }

    /** Handles a RESPONSE frame positioned after its request id. */
    public void arrived(long id, ByteBuffer in) {
        Pending p = pending.remove(id);
        if (p == null) {
            return;
        }
        int status = in.getInt();
        String message = Frame.str(in);
        int n = in.getInt();
        ByteBuffer payload = in.slice(in.position(), n);
        Reply reply = new Reply(status, message, payload);
        try {
            if (reply.ok() && p.onArrival() != null) {
                p.onArrival().accept(reply);
            }
            p.future().complete(reply);
        } catch (RuntimeException e) {
            p.future().completeExceptionally(e);
        }
    }

    /** Fails every request waiting on a node that left. */
    public void nodeLeft(int node) {
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            if (e.getValue().node() == node && pending.remove(e.getKey(), e.getValue())) {
                e.getValue().future().completeExceptionally(new NodeDownException(node));
            }
        }
    }

    /** Fails every request: the channel is closing. */
    public void closeAll() {
        for (Long id : pending.keySet()) {
            Pending p = pending.remove(id);
            if (p != null) {
                p.future().completeExceptionally(new NodeDownException(channel.localNode()));
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
    public Reply await(CompletableFuture<Reply> future, String what) {
        Reply reply;
        try {
            reply = future.get(channel.config().rpcTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AepException(Errno.EIO, what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AepException(Errno.EIO, what + " got no answer within " + channel.config().rpcTimeoutMs()
                    + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AepException(Errno.EIO, what + " was interrupted");
        }
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
