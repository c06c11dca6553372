package org.aepdsm.paging.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.paging.PlacementPolicy;
import org.aepdsm.backend.sim.MachineConfig;
import org.aepdsm.backend.sim.SimMachine;
import org.aepdsm.paging.collect.PageCollect;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code paging:ca} and {@code paging:compare} on a small simulated machine, directly and through a Gogo shell. */
class PlacementCommandsTest {
    private final SimMachine machine = new SimMachine(MachineConfig.of(1, 64, 8));
    private final PlacementCommands commands = new PlacementCommands(new PageCollect(), () -> machine);

    @AfterEach
    void shutdown() {
        machine.shutdown();
    }

    private static AepException refused(Errno errno, String named, org.junit.jupiter.api.function.Executable call) {
        AepException e = assertThrows(AepException.class, call);
        assertEquals(errno, e.errno(), e.getMessage());
        assertTrue(e.getMessage().contains(named), e.getMessage());
        return e;
    }

    @Test
    void caTurnsThePolicyOnAndOff() {
        AddressSpace s = machine.createAddressSpace(0, 64L << 20);
        assertEquals("address space " + s.id() + ": placement CONTIGUITY_AWARE", commands.ca("on", "" + s.id()));
        assertEquals(PlacementPolicy.CONTIGUITY_AWARE, s.placementPolicy());
        assertEquals("address space " + s.id() + ": placement BUDDY", commands.ca("off", "0x" + Long.toHexString(s.id())));
        assertEquals(PlacementPolicy.BUDDY, s.placementPolicy());
    }

    @Test
    void caRefusesBadInput() {
        refused(Errno.ENOENT, "address space 99", () -> commands.ca("on", "99"));
        refused(Errno.EINVAL, "'maybe'", () -> commands.ca("maybe", "1"));
        refused(Errno.EINVAL, "--space", () -> commands.ca("on", ""));
        refused(Errno.EINVAL, "'x1'", () -> commands.ca("on", "x1"));
        PlacementCommands none = new PlacementCommands(new PageCollect(), () -> null);
        refused(Errno.ENOENT, "no active memory backend", () -> none.ca("on", "1"));
    }

    @Test
    void bothCommandsNeedTheSimBackend() {
        MemoryBackend nativeBackend = (MemoryBackend) Proxy.newProxyInstance(MemoryBackend.class.getClassLoader(),
                new Class<?>[] {MemoryBackend.class}, (p, m, a) -> switch (m.getName()) {
                    case "id" -> "native";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        PlacementCommands onNative = new PlacementCommands(new PageCollect(), () -> nativeBackend);
        refused(Errno.EOPNOTSUPP, "the active backend is native", () -> onNative.ca("on", "1"));
        refused(Errno.EOPNOTSUPP, "the active backend is native", () -> onNative.compare("kv", ""));
    }

    @Test
    void compareRefusesAnUnknownWorkloadNamingTheKnownOnes() {
        AepException e = refused(Errno.EINVAL, "'nosuch'", () -> commands.compare("nosuch", ""));
        assertTrue(e.getMessage().contains("fragment, pagerank, kv"), e.getMessage());
        refused(Errno.EINVAL, "seed 'abc'", () -> commands.compare("kv", "abc"));
    }

    @Test
    void compareThroughTheShellPrintsBothPoliciesPerKindAndLeavesThePoolAsItWas() throws Exception {
        long free = machine.framePool(0).freeFrames();
        AddressSpace s = machine.createAddressSpace(0, 64L << 20);
        ThreadIOImpl threadIo = new ThreadIOImpl();
        threadIo.start();
        CommandProcessorImpl processor = new CommandProcessorImpl(threadIo);
        processor.addCommand("paging", new PagingCommands(new CollectCommand(new PageCollect(), () -> machine),
                commands), "ca");
        processor.addCommand("paging", new PagingCommands(new CollectCommand(new PageCollect(), () -> machine),
                commands), "compare");
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(), new ByteArrayOutputStream());
        try {
            assertEquals("address space " + s.id() + ": placement CONTIGUITY_AWARE",
                    String.valueOf(session.execute("paging:ca on --space " + s.id())));
            String text = String.valueOf(session.execute("paging:compare --seed 7 fragment"));
            assertTrue(text.startsWith("paging:compare fragment on backend sim, node 0 (node0-dram"), text);
            assertTrue(text.contains("seed 7\n"), text);
            for (String kind : new String[] {"VMA_TLB", "Virtual_TLB", "Anchor_TLB", "Range_TLB", "SpOT"}) {
                assertTrue(text.contains("\n" + kind + " "), kind + " row in\n" + text);
            }
            assertTrue(text.contains("TLB misses (sim TLB model, 4 KiB entries)"), text);
            assertTrue(text.contains("Range TLB entries for 99% coverage: ca "), text);
        } finally {
            session.close();
            processor.stop();
            threadIo.stop();
        }
        assertEquals(free, machine.framePool(0).freeFrames(), "every frame the comparison took is back");
        assertEquals(1, machine.addressSpaces().size(), "only the space made here remains");
    }
}
