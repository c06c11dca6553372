/**
 * Address-space views with mmview semantics: several views of one address space,
 * selectable per thread, kept in sync except in copy-on-write (unshared) regions.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.aepdsm.api.view;
