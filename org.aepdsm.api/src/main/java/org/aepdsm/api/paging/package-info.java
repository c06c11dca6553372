/**
 * Physical placement policies and the contiguity statistics of page maps
 * (VMA, Virtual, Anchor, Range TLB and SpOT coverage).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.aepdsm.api.paging;
