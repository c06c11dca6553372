package org.aepdsm.dsm.cluster;

import java.util.ArrayList;
import java.util.List;

import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.protocols.SHARED_LOOPBACK_PING;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;

/**
 * Builds the JGroups protocol stack of a node, bottom first. Stateless.
 *
 * <pre>
 *   GMS            membership views; joins through the coordinator
 *   VERIFY_SUSPECT a suspected member is pinged once more before it is excluded
 *   FD_ALL3        heartbeats: silence for suspectTimeout makes a suspect
 *   FD_SOCK2       a TCP ring between members: a killed JVM's socket closes at once (TCP only)
 *   UNICAST3 / NAKACK2 / STABLE   reliable FIFO unicast and multicast
 *   MERGE3         heals a split after a false suspicion
 *   TCP(127.0.0.1) + TCPPING(127.0.0.1 ports), or SHARED_LOOPBACK in one JVM
 * </pre>
 *
 * <p>Every address is loopback: TCP binds to the configured loopback address, discovery only asks the
 * listed loopback members, and the diagnostics handler (which would open a multicast socket) is off.
 * The page protocol's unicasts do not go through this stack but over {@link PeerLinks}; the stack keeps
 * the membership (whose views close those links) and carries multicasts and unicasts a node sends itself.
 */
public final class LoopbackStack {
    private LoopbackStack() {
    }

    /** A fresh stack for one channel. */
    public static List<Protocol> build(ClusterConfig config) throws Exception {
        List<Protocol> stack = new ArrayList<>();
        if (config.transport() == ClusterConfig.Transport.TCP) {
            TCP tcp = new TCP();
            tcp.setBindAddr(config.bindAddress());
            tcp.setBindPort(config.bindPort());
            tcp.setPortRange(config.portRange());
            tcp.disableDiagnostics();
            // a fault is a few small request/response frames: Nagle plus delayed ACKs would add 40 ms to each
            tcp.tcpNodelay(true);
            stack.add(tcp);
            TCPPING ping = new TCPPING();
            ping.setInitialHosts(config.initialMembers());
            ping.setPortRange(0);
            stack.add(ping);
        } else {
            SHARED_LOOPBACK loop = new SHARED_LOOPBACK();
            loop.disableDiagnostics();
            stack.add(loop);
            stack.add(new SHARED_LOOPBACK_PING());
        }
        stack.add(new MERGE3().setMinInterval(2000).setMaxInterval(5000));
        if (config.transport() == ClusterConfig.Transport.TCP) {
            FD_SOCK2 sock = new FD_SOCK2();
            sock.setBindAddress(config.bindAddress());
            stack.add(sock);
        }
        stack.add(new FD_ALL3().setTimeout(config.suspectTimeoutMs())
                .setInterval(Math.max(100, config.suspectTimeoutMs() / 4)));
        VERIFY_SUSPECT verify = new VERIFY_SUSPECT().setTimeout(config.verifyTimeoutMs());
        verify.setBindAddress(config.bindAddress());
        stack.add(verify);
        stack.add(new NAKACK2());
        stack.add(new UNICAST3());
        stack.add(new STABLE());
        stack.add(new GMS().setJoinTimeout(1000).setLeaveTimeout(1000).printLocalAddress(false));
        stack.add(new UFC());
        stack.add(new MFC());
        stack.add(new FRAG4());
        return stack;
    }
}
