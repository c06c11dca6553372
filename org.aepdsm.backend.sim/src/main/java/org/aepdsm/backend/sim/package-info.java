/**
 * The simulated memory backend ({@code aepdsm.backend=sim}): a deterministic machine model
 * behind {@link org.aepdsm.api.memory.MemoryBackend}. Nothing here is exported; consumers use
 * the service.
 *
 * <p>Model, in brief:
 * <ul>
 * <li>Physical memory is real bytes ({@code phys}), one bank per node plus one for the CXL tier.
 * <li>Each node's DRAM is a {@code FramePool} managed by a Linux-like buddy allocator
 * ({@code frame}); the CXL tier is a pool too, carved into named shared pools.
 * <li>Address spaces keep real x86-64 4-level page tables in simulated frames ({@code paging}),
 * walked on every TLB miss. Page-table frames come from a per-node zone of the node's DRAM that
 * lies outside its frame pool (like kernel memory), so that a frame pool's free count changes by
 * exactly the data frames a mapping takes; they fall back to the frame pool when the zone is
 * exhausted, and are freed as soon as a table empties.
 * <li>Placement on demand faults is {@code BUDDY} by default; {@code CONTIGUITY_AWARE}, chosen per
 * address space, keeps each VMA at a few virtual-to-physical offsets, placing next-fit over the
 * pool's sorted free runs ({@code frame.ContiguityPlacement}, {@code frame.FreeRunIndex}).
 * <li>The protection domain is {@code SIMULATED}: it tracks, per thread, whether code is inside,
 * and which shared-pool ranges are isolated, but it cannot stop a thread that holds a shared
 * pool's segment from touching an isolated range; it reports, so callers can assert.
 * </ul>
 */
package org.aepdsm.backend.sim;
