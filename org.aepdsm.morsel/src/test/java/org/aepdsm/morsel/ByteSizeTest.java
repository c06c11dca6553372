package org.aepdsm.morsel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.junit.jupiter.api.Test;

class ByteSizeTest {
    @Test
    void suffixesAreBinaryUnits() {
        assertEquals(4096, ByteSize.parse("4096"));
        assertEquals(2L << 20, ByteSize.parse("2M"));
        assertEquals(2L << 20, ByteSize.parse("2MiB"));
        assertEquals(1L << 30, ByteSize.parse("1g"));
        assertEquals(8L << 30, ByteSize.parse("8G"));
        assertEquals(6984L << 20, ByteSize.roundUpTo2M(ByteSize.parse("6.82G")));
    }

    @Test
    void garbageIsRefusedNamingTheText() {
        AepException e = assertThrows(AepException.class, () -> ByteSize.parse("12Q"));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("'12Q'"), e.getMessage());
        assertEquals(Errno.EINVAL, assertThrows(AepException.class, () -> ByteSize.parse("-2M")).errno());
        assertEquals(Errno.EINVAL, assertThrows(AepException.class, () -> ByteSize.parseAddress("0xzz")).errno());
    }

    @Test
    void addressesAreHexWithPrefix() {
        assertEquals(0x100000000000L, ByteSize.parseAddress("0x100000000000"));
        assertEquals("6.82 GiB", ByteSize.format(MorselEvaluation.HEADLINE_BYTES));
        assertEquals("2 MiB", ByteSize.format(2L << 20));
    }
}
