/**
 * Code the simulated and the native memory backend share. The package is not exported and no
 * bundle imports it: each backend's bnd.bnd names it in {@code -conditionalpackage}, so bnd copies
 * the classes a backend uses into that backend's bundle. The backends thus keep depending on
 * nothing but the API at runtime, while the logic is written and tested once.
 */
package org.aepdsm.backend.common;
