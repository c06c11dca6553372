/**
 * The error family shared by every AEP-DSM service: {@link org.aepdsm.api.Errno}
 * and {@link org.aepdsm.api.AepException}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.aepdsm.api;
