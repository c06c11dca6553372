package org.aepdsm.dsm.cluster;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * How one node joins its cluster. Immutable. Every address is checked to be a loopback address:
 * the DSM never sends a packet off this machine.
 *
 * @param clusterName     the JGroups cluster to join; nodes with the same name form one DSM
 * @param nodeId          this node's id, or -1 for this process's id (unique among the JVMs of one machine)
 * @param transport       TCP between JVMs, or SHARED_LOOPBACK between channels of one JVM
 * @param bindAddress     the loopback address TCP binds to
 * @param bindPort        the first TCP port to try
 * @param portRange       how many ports after {@code bindPort} to try when it is taken
 * @param initialMembers  where TCPPING looks for other members
 * @param suspectTimeoutMs how long a silent member may stay silent before it is suspected (FD_ALL3)
 * @param verifyTimeoutMs how long a suspicion is verified before the member is excluded (VERIFY_SUSPECT)
 * @param rpcTimeoutMs    how long a protocol request waits for its reply
 */
public record ClusterConfig(String clusterName, int nodeId, Transport transport, InetAddress bindAddress,
        int bindPort, int portRange, List<InetSocketAddress> initialMembers, long suspectTimeoutMs,
        long verifyTimeoutMs, long rpcTimeoutMs) {

    /** The JGroups transport. */
    public enum Transport {
        /** TCP on a loopback address with TCPPING discovery: one node per JVM. */
        TCP,
        /**
         * JGroups' in-JVM shared loopback for the membership: several nodes in one JVM, for tests; their
         * unicast frames still travel over loopback TCP links.
         */
        SHARED_LOOPBACK
    }

    public ClusterConfig {
        if (clusterName == null || clusterName.isBlank()) {
            throw new AepException(Errno.EINVAL, "cluster name '" + clusterName + "' is empty");
        }
        if (nodeId < -1) {
            throw new AepException(Errno.EINVAL, "node id " + nodeId + " is negative");
        }
        requireLoopback(bindAddress);
        if (bindPort < 0 || bindPort > 65535) {
            throw new AepException(Errno.EINVAL, "port " + bindPort + " is outside 0..65535");
        }
        if (portRange < 0) {
            throw new AepException(Errno.EINVAL, "port range " + portRange + " is negative");
        }
        initialMembers = List.copyOf(initialMembers);
        for (InetSocketAddress member : initialMembers) {
            requireLoopback(member.getAddress());
        }
        if (nodeId == -1) {
            nodeId = (int) ProcessHandle.current().pid();
        }
    }

    /** A TCP node on 127.0.0.1 with short failure-detection timeouts. */
    public static ClusterConfig tcp(String clusterName, int nodeId, int bindPort, List<Integer> memberPorts) {
        InetAddress loopback = loopback("127.0.0.1");
        List<InetSocketAddress> members = new ArrayList<>();
        for (int port : memberPorts) {
            members.add(new InetSocketAddress(loopback, port));
        }
        return new ClusterConfig(clusterName, nodeId, Transport.TCP, loopback, bindPort, 0, members, 3000, 1000,
                10_000);
    }

    /** A node of a cluster whose members all live in this JVM. */
    public static ClusterConfig sharedLoopback(String clusterName, int nodeId) {
        return new ClusterConfig(clusterName, nodeId, Transport.SHARED_LOOPBACK, loopback("127.0.0.1"), 0, 0,
                List.of(), 3000, 1000, 10_000);
    }

    /**
     * Parses initial members written as {@code host[port],host[port]} (JGroups' notation) or
     * {@code host:port,host:port}; every host must be a loopback address.
     */
    public static List<InetSocketAddress> parseMembers(String text) {
        List<InetSocketAddress> members = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return members;
        }
        for (String item : text.split(",")) {
            String s = item.trim();
            String host;
            String port;
            int bracket = s.indexOf('[');
            if (bracket > 0 && s.endsWith("]")) {
                host = s.substring(0, bracket);
                port = s.substring(bracket + 1, s.length() - 1);
            } else {
                int colon = s.lastIndexOf(':');
                if (colon <= 0) {
                    throw new AepException(Errno.EINVAL, "member '" + s + "' is not host[port] or host:port");
                }
                host = s.substring(0, colon);
                port = s.substring(colon + 1);
            }
            int p;
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new AepException(Errno.EINVAL, "member '" + s + "' has port '" + port + "', not a number");
            }
            InetAddress address = loopback(host);
            members.add(new InetSocketAddress(address, p));
        }
        return members;
    }

    /** Resolves a literal address and refuses anything that is not loopback. */
    public static InetAddress loopback(String host) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new AepException(Errno.EINVAL, "address '" + host + "' does not resolve", e);
        }
        requireLoopback(address);
        return address;
    }

    private static void requireLoopback(InetAddress address) {
        if (address == null || !address.isLoopbackAddress()) {
            throw new AepException(Errno.EINVAL, "address " + address
                    + " is not a loopback address; the DSM only talks on loopback");
        }
    }
}
