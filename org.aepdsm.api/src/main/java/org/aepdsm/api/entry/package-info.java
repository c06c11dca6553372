/**
 * The shadow entry: the single ABI into the AEP-DSM allocator, and its typed facade.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.aepdsm.api.entry;
