package org.aepdsm.api.memory;

import java.util.List;

import org.aepdsm.api.AepException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An address space that can have views: further address spaces over the same virtual range that
 * stay in sync with it, as mmview's views of one process do. The spaces made by
 * {@link #createView()} and the space they were made from form one <em>view group</em>.
 *
 * <p>Within a group, a mapping made, changed or removed through any member shows in every
 * member, and a page filled on demand through any member is one frame that every member sees;
 * except in <em>copy-on-write ranges</em> ({@link #setCopyOnWrite}), where each member starts
 * from the contents the range had when the member was made and diverges on its first store to
 * each page. A range stops being copy-on-write when it is unmapped.
 *
 * <p>Ownership: closing a member frees what only it used (its copies of copy-on-write pages, its
 * private tables); memory the group shares is freed when the last member that maps it is
 * closed or unmaps it. Thread-safety: all methods may be called from any thread; the members of a
 * group serialise their mapping changes with one lock.
 */
@ProviderType
public interface ViewableSpace extends AddressSpace {
    /**
     * Makes a new member of this space's group, with the same base and limit, in sync with this one;
     * in copy-on-write ranges it starts from this space's contents.
     *
     * @throws AepException {@code ENOMEM} when the memory for the view (tables, metadata, a virtual
     *                      range) cannot be had; nothing is changed then
     */
    ViewableSpace createView();

    /** The open members of this space's group, this one included (1 while it has no views). */
    int viewCount();

    /**
     * Makes the pages of every mapping in {@code [address, address + length)} copy-on-write between
     * views ({@code copyOnWrite} true) or shared again (false). Holes in the range are skipped.
     *
     * @throws AepException {@code EPERM} while the group has more than one member; {@code EINVAL} for
     *                      an address or length not aligned to 4096, a range leaving the space, a range
     *                      with no mapping in it, or a range edge inside a larger page; {@code EACCES}
     *                      (only when making copy-on-write) if a {@link MapMode#SHARED} mapping of
     *                      given frames overlaps the range: such frames are shared by definition
     */
    void setCopyOnWrite(long address, long length, boolean copyOnWrite);

    /** The copy-on-write parts of the mappings, in address order, each clipped to its range. */
    List<Mapping> copyOnWriteRanges();
}
