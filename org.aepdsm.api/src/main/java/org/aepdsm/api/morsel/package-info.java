/**
 * Morsels: large virtual-memory objects managed as page-table subtrees, mapped and
 * transferred between address spaces in time proportional to their subtrees, with
 * lazily filled secondary translation views in other formats.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.aepdsm.api.morsel;
