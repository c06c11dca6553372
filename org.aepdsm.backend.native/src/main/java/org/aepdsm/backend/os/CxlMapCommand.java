package org.aepdsm.backend.os;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.aepdsm.api.AepException;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code aep:cxlmap} command. Stateless and thread-safe.
 */
@Component(service = CxlMapCommand.class, property = {"osgi.command.scope=aep", "osgi.command.function=cxlmap"})
public class CxlMapCommand {
    /** Maps a physical range and optionally tests it. */
    @Descriptor("map a physical range through /dev/mem or a DAX device and, with --rw-test, write and read back"
            + " patterns over it: --phys=0xADDR --size=0xSIZE [--rw-test] [--pattern=0xVALUE] [--device=PATH]"
            + " [--base=0xPHYS]")
    public String cxlmap(@Descriptor("--phys=0x.. --size=0x.. [--rw-test] [--pattern=0x..] [--device=PATH]"
            + " [--base=0x..]") String... args) {
        List<String> out = new ArrayList<>();
        try {
            return String.join("\n", CxlMap.run(CxlMap.parse(Arrays.asList(args)), out));
        } catch (AepException e) {
            // What was done before the failure (the mapping line, a FAIL line) is still worth showing.
            out.forEach(System.out::println);
            throw e;
        }
    }
}
