/**
 * Ownership of allocator objects: global references, who owns what, on which node,
 * and how many references point to it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.aepdsm.api.ownership;
