/**
 * The backend SPI: the machine AEP-DSM runs on. A {@link org.aepdsm.api.memory.MemoryBackend}
 * provides physical frames ({@link org.aepdsm.api.memory.FramePool}), virtual address
 * spaces ({@link org.aepdsm.api.memory.AddressSpace}), a CXL-like shared region
 * ({@link org.aepdsm.api.memory.SharedPool}) and an isolated execution space
 * ({@link org.aepdsm.api.memory.ProtectionDomain}).
 *
 * <p>Exactly one backend is active in a runtime. Objects obtained from a backend
 * that has since been deactivated fail with {@link org.aepdsm.api.Errno#ESTALE}
 * and never touch freed memory.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.4.0")
package org.aepdsm.api.memory;
