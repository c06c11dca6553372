/**
 * Page-level distributed shared memory across JVM nodes (reader-replicate,
 * writer-invalidate) and task migration between nodes.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.aepdsm.api.dsm;
