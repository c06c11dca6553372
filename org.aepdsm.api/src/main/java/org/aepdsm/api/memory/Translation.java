package org.aepdsm.api.memory;

/**
 * Where a virtual address lands now. Immutable.
 *
 * @param virtualAddress the address translated
 * @param frame          the pool frame holding the byte at that address
 * @param offset         the byte offset inside that frame
 * @param pageSize       the size of the page that maps it
 * @param protection     the rights of the page
 * @param copyOnWrite    whether the page is still shared copy-on-write (a store would copy it)
 * @param accessed       the page's accessed bit, where the backend keeps one
 * @param dirty          the page's dirty bit, where the backend keeps one
 */
public record Translation(long virtualAddress, long frame, int offset, PageSize pageSize, Protection protection,
        boolean copyOnWrite, boolean accessed, boolean dirty) {
}
