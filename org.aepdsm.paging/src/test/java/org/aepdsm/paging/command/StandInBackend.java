package org.aepdsm.paging.command;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;

import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.paging.PageMap;

/** A stand-in backend named sim holding one address space, id 7, whose page map is notes example 1. */
final class StandInBackend {
    static final PageMap SPACE_7 = new PageMap("space 7",
            List.of(new PageMap.Vma(0x100, new long[] {0x500, 0x501, 0x502, 0x503, 0x900, 0x901, 0x902, 0x903})));

    private StandInBackend() {
    }

    static MemoryBackend backend() {
        AddressSpace space = (AddressSpace) Proxy.newProxyInstance(AddressSpace.class.getClassLoader(),
                new Class<?>[] {AddressSpace.class}, (p, m, a) -> switch (m.getName()) {
                    case "id" -> 7L;
                    case "pageMap" -> SPACE_7;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (MemoryBackend) Proxy.newProxyInstance(MemoryBackend.class.getClassLoader(),
                new Class<?>[] {MemoryBackend.class}, (p, m, a) -> switch (m.getName()) {
                    case "id" -> "sim";
                    case "addressSpace" -> (Long) a[0] == 7L ? Optional.of(space) : Optional.empty();
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
