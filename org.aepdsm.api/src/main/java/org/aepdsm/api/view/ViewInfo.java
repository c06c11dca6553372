package org.aepdsm.api.view;

import java.util.List;

/**
 * A view as {@code view:list} shows it. Immutable snapshot.
 *
 * @param id       the view id
 * @param base     whether it is the base view
 * @param deleted  whether it was deleted and waits for its last thread to leave
 * @param threads  threads whose current view it is
 * @param space    the id of the address space that realises the view
 */
public record ViewInfo(long id, boolean base, boolean deleted, int threads, long space) {
}
