package org.aepdsm.morsel;

import java.nio.file.Path;
import java.util.SplittableRandom;

import org.aepdsm.api.AepException;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.SubtreeExport;
import org.aepdsm.api.morsel.Morsel;
import org.aepdsm.backend.os.NativeMachine;

/**
 * The second process of {@link CrossProcessMorselTest}: {@code MorselImportChild <handle> <seed>}
 * attaches the parent's morsel, maps it, checks the parent's pattern, stores its pid at
 * {@link CrossProcessMorselTest#CHILD_SLOT}, waits (bounded) for the parent's answer at
 * {@link CrossProcessMorselTest#PARENT_SLOT}, stores {@link CrossProcessMorselTest#DONE} and exits 0.
 * Exit codes: 3 the pattern is wrong, 4 no answer within the bound, 5 the answer is wrong.
 */
public final class MorselImportChild {
    private MorselImportChild() {
    }

    public static void main(String[] args) {
        SubtreeExport export = SubtreeExport.parse(args[0]);
        long seed = Long.parseLong(args[1]);
        NativeMachine machine = new NativeMachine(new NativeMachine.Settings(8L << 20, Path.of("/dev/shm")));
        int code = 0;
        try {
            MorselRegistry morsels = new MorselRegistry(machine);
            Morsel m = morsels.attach(export);
            AddressSpace space = machine.createAddressSpace(0, 1L << 30);
            long at = space.base() + (64L << 20);
            m.map(space, at, Protection.READ_WRITE);
            SplittableRandom random = new SplittableRandom(seed);
            for (long page = 0; page < export.size() / 4096; page += 97) {
                long expected = random.nextLong();
                long seen = space.getLong(at + page * 4096);
                if (seen != expected) {
                    System.err.println("page " + page + " holds " + seen + ", the parent wrote " + expected);
                    System.exit(3);
                }
            }
            long me = ProcessHandle.current().pid();
            space.putLong(at + CrossProcessMorselTest.CHILD_SLOT, me);
            long deadline = System.nanoTime() + 60_000_000_000L;
            long answer = 0;
            while (answer == 0 && System.nanoTime() < deadline) {
                answer = space.getLong(at + CrossProcessMorselTest.PARENT_SLOT);
                Thread.onSpinWait();
            }
            if (answer == 0) {
                code = 4;
            } else if (answer != ~me) {
                System.err.println("the parent answered " + answer + " instead of " + ~me);
                code = 5;
            } else {
                space.putLong(at + CrossProcessMorselTest.CHILD_SLOT + 8, CrossProcessMorselTest.DONE);
            }
            m.unmap(space);
            m.destroy();
        } catch (AepException e) {
            e.printStackTrace();
            code = 6;
        } finally {
            machine.shutdown();
        }
        System.exit(code);
    }
}
