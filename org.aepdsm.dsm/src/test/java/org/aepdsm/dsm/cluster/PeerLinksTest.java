package org.aepdsm.dsm.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;

import org.aepdsm.dsm.Await;
import org.junit.jupiter.api.Test;

/** The direct loopback links that carry unicast frames. */
class PeerLinksTest {
    private static final InetAddress LOOPBACK = ClusterConfig.loopback("127.0.0.1");

    private static byte[] frame(int sender, int seq) {
        return ByteBuffer.allocate(8).putInt(sender).putInt(seq).array();
    }

    /** One step of a thread's work: its {@code i}th. */
    @FunctionalInterface
    private interface Step {
        void run(int thread, int i) throws Exception;
    }

    /**
     * Runs {@code perThread} steps on each of {@code threads} threads at once and returns when all are done;
     * the first step that failed fails the caller.
     */
    private static void onThreads(int threads, int perThread, Step step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        step.run(thread, i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void framesOfEachSenderArriveInOrderAndWhole() throws Exception {
        List<int[]> got = new CopyOnWriteArrayList<>();
        int threads = 4;
        int perThread = 500;
        try (PeerLinks receiver = new PeerLinks(2, LOOPBACK, (from, f) -> got.add(new int[] {from, f.getInt(),
                f.getInt()}));
                PeerLinks sender = new PeerLinks(1, LOOPBACK, (from, f) -> { })) {
            onThreads(threads, perThread, (thread, i) -> sender.send(2, receiver.address(), frame(thread, i)));
            Await.until("every frame to arrive", 20_000, () -> got.size() == threads * perThread,
                    () -> got.size() + " frames");
            int[] next = new int[threads];
            for (int[] g : got) {
                assertEquals(1, g[0], "the sender's node id");
                assertEquals(next[g[1]], g[2], "frame order of thread " + g[1]);
                next[g[1]]++;
            }
        }
    }

    @Test
    void aDroppedLinkIsReconnectedOnTheNextSend() throws Exception {
        List<Integer> got = new CopyOnWriteArrayList<>();
        try (PeerLinks receiver = new PeerLinks(2, LOOPBACK, (from, f) -> got.add(f.getInt(4)));
                PeerLinks sender = new PeerLinks(1, LOOPBACK, (from, f) -> { })) {
            sender.send(2, receiver.address(), frame(0, 1));
            sender.drop(2);
            sender.send(2, receiver.address(), frame(0, 2));
            Await.until("both frames to arrive", 20_000, () -> got.size() == 2, got::toString);
            assertTrue(got.containsAll(List.of(1, 2)), got.toString());
        }
    }

    @Test
    void aClosedPeerCannotBeReached() throws Exception {
        // The sender listens before the receivers close, so its own port cannot be one a receiver freed. Once close()
        // returns, the receiver's listening socket is gone: while close() did not wait for the accepting thread, about
        // one send in six reached a receiver closed just before, so fifty rounds all but surely meet that.
        try (PeerLinks sender = new PeerLinks(1, LOOPBACK, (from, f) -> { })) {
            for (int round = 0; round < 50; round++) {
                PeerLinks receiver = new PeerLinks(2, LOOPBACK, (from, f) -> { });
                InetSocketAddress at = receiver.address();
                receiver.close();
                assertThrows(IOException.class, () -> sender.send(2, at, frame(0, 1)), "round " + round + ", " + at);
            }
        }
    }

    @Test
    void aConnectionThatReachesItselfCountsAsRefused() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            port = probe.getLocalPort();
        }
        InetSocketAddress at = new InetSocketAddress(LOOPBACK, port);
        try (Socket s = new Socket()) {
            // Bound to the port it connects to, with nobody listening: TCP's simultaneous open connects it to itself.
            s.setReuseAddress(true);
            s.bind(at);
            ConnectException e = assertThrows(ConnectException.class, () -> PeerLinks.connect(s, at));
            assertTrue(e.getMessage().contains("reached itself") && e.getMessage().contains(String.valueOf(port)),
                    e.getMessage());
        }
    }

    @Test
    void aConnectionWithoutThePreambleDeliversNothing() throws Exception {
        ConcurrentHashMap<Integer, Integer> got = new ConcurrentHashMap<>();
        try (PeerLinks receiver = new PeerLinks(2, LOOPBACK, (from, f) -> got.merge(from, 1, Integer::sum));
                PeerLinks sender = new PeerLinks(1, LOOPBACK, (from, f) -> { })) {
            try (Socket s = new Socket(LOOPBACK, receiver.address().getPort())) {
                s.setSoTimeout(20_000);
                int r;
                try {
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.writeInt(0x12345678);
                    out.writeInt(9);
                    out.writeInt(8);
                    out.write(frame(0, 1));
                    out.flush();
                    r = s.getInputStream().read();
                } catch (SocketException closed) {
                    // reset on read, or a broken pipe on write when the receiver hung up after the bad preamble
                    r = -1;
                }
                assertEquals(-1, r, "the receiver closed the stranger's connection");
            }
            // a proper link still works afterwards, and only its frame arrived
            sender.send(2, receiver.address(), frame(0, 1));
            Await.until("the real frame", 20_000, () -> got.containsKey(1), got::toString);
            assertEquals(java.util.Map.of(1, 1), got);
        }
    }

    /** A served call answers with the request's two ints swapped, naming the caller in a third. */
    private static void swap(int from, ByteBuffer request, GroupChannel.Responder out) {
        out.respond(ByteBuffer.allocate(12).putInt(request.getInt(4)).putInt(request.getInt(0)).putInt(from).array());
    }

    private static ByteBuffer call(PeerLinks caller, int node, InetSocketAddress at, byte[] request)
            throws IOException {
        PeerLinks.CallEnd end = caller.openCall(node, at);
        end.write(request);
        ByteBuffer answer = end.read(20_000_000_000L);
        caller.releaseCall(end);
        return answer;
    }

    @Test
    void anAnswerAfterTheCallersPollingWindowIsStillRead() throws Exception {
        long late = 20 * PeerLinks.ANSWER_SPIN_NANOS / 1_000_000 + 50;
        try (PeerLinks server = new PeerLinks(2, LOOPBACK, (from, f) -> { }, (from, request, out) -> {
            try {
                Thread.sleep(late);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            swap(from, request, out);
        });
                PeerLinks caller = new PeerLinks(1, LOOPBACK, (from, f) -> { })) {
            long t0 = System.nanoTime();
            ByteBuffer answer = call(caller, 2, server.address(), frame(7, 3));
            assertTrue(System.nanoTime() - t0 >= late * 1_000_000L, "the answer came after the polling window");
            assertEquals(3, answer.getInt(0));
            assertEquals(7, answer.getInt(4));
            ByteBuffer again = call(caller, 2, server.address(), frame(8, 4));
            assertEquals(4, again.getInt(0), "the link is reused after a blocking read");
        }
    }

    @Test
    void concurrentCallersEachReadTheirOwnAnswerOnTheirCallLink() throws Exception {
        try (PeerLinks server = new PeerLinks(2, LOOPBACK, (from, f) -> { }, PeerLinksTest::swap);
                PeerLinks caller = new PeerLinks(1, LOOPBACK, (from, f) -> { })) {
            int threads = 4;
            int perThread = 300;
            onThreads(threads, perThread, (thread, i) -> {
                ByteBuffer answer = call(caller, 2, server.address(), frame(thread, i));
                assertEquals(i, answer.getInt(0), "thread " + thread + " call " + i);
                assertEquals(thread, answer.getInt(4), "thread " + thread + " call " + i);
                assertEquals(1, answer.getInt(8), "the caller's node id");
            });
        }
    }

    /** A node 2 that takes calls and answers none until {@code never} counts down. */
    private static PeerLinks silentServer(CountDownLatch never) throws IOException {
        return new PeerLinks(2, LOOPBACK, (from, f) -> { }, (from, request, out) -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void aCallWaitingOnADroppedNodeFailsAtOnce() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (PeerLinks server = silentServer(never); PeerLinks caller = new PeerLinks(1, LOOPBACK, (from, f) -> { })) {
            PeerLinks.CallEnd end = caller.openCall(2, server.address());
            end.write(frame(0, 1));
            Thread dropper = Thread.ofPlatform().start(() -> caller.drop(2));
            assertThrows(IOException.class, () -> end.read(60_000_000_000L));
            dropper.join();
        } finally {
            never.countDown();
        }
    }

    @Test
    void aCallWithoutAnAnswerInTimeFailsWithATimeout() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (PeerLinks server = silentServer(never); PeerLinks caller = new PeerLinks(1, LOOPBACK, (from, f) -> { })) {
            PeerLinks.CallEnd end = caller.openCall(2, server.address());
            end.write(frame(0, 1));
            assertThrows(SocketTimeoutException.class, () -> end.read(200_000_000L));
            caller.discardCall(end);
            // the next call gets a fresh link, not the one whose answer is still owed
            PeerLinks.CallEnd next = caller.openCall(2, server.address());
            assertTrue(next != end, "a timed-out link is not reused");
            caller.discardCall(next);
        } finally {
            never.countDown();
        }
    }
}
